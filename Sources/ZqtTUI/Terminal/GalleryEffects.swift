// The gallery's effect (issue 17), off the event loop: a page of kept
// pictures from the history (GalleryQuery), each with its thumbnail found
// beside zqt's copy. Nothing is decoded here: a frame that shows a
// thumbnail asks for it (Effect.decodePictures), so only what is on screen
// is ever decoded.

import Images
import Model

extension EffectRunner {
    func loadGallery(filter: String, before: Int?, limit: Int) {
        guard let store else { return }
        let home = home, inbox = inbox
        // A thread of its own, not Swift's pool: decodes and downloads there must not hold up the page.
        startThread {
            do throws(HistoryError) {
                let page = try store.gallery(filter: filter, before: before, limit: limit)
                let items = Self.galleryItems(page.pictures, home: home)
                inbox.post(.galleryLoaded(GalleryPageLoaded(filter: filter, items: items, hasMore: page.hasMore,
                                                            nextBefore: page.nextBefore, appending: before != nil)))
            } catch {
                inbox.post(.historyFailed(error.message))
            }
        }
    }

    /// Each picture with zqt's copy and thumbnail, when they are on disk (a
    /// listing of its task's folder: the thumbnail's name holds the size).
    static func galleryItems(_ pictures: [GalleryPicture], home: String) -> [GalleryItem] {
        pictures.map { picture in
            if let image = ResultImageFiles.existing(home: home, idTask: picture.idTask, position: picture.position) {
                return GalleryItem(picture: picture, image: image)
            }
            let problem = LocalFile.regularFileSize(picture.localPath) == nil
                ? Wording.galleryCopyGone(picture.localPath) : Wording.galleryNoThumbnail
            return GalleryItem(picture: picture, problem: problem)
        }
    }
}

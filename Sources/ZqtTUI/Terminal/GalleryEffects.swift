// The gallery's effect (issue 17), off the event loop: a page of kept
// pictures from the history (GalleryQuery), each with its thumbnail found
// beside zqt's copy. The page is posted before anything is decoded; then a
// copy kept without a thumbnail (a send from the command line makes none)
// has it made, one at a time, each posted as it is ready. Thumbnails are
// drawn only when a frame shows them (Effect.decodePictures).

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
                for item in items where item.problem == Wording.galleryMakingThumbnail {
                    inbox.post(.galleryThumbnailMade(Self.thumbnailMade(item, home: home)))
                }
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
                ? Wording.galleryCopyGone(picture.localPath) : Wording.galleryMakingThumbnail
            return GalleryItem(picture: picture, problem: problem)
        }
    }

    /// A picture kept without a thumbnail, with the one made now from zqt's
    /// copy (the screen's own thumbnailer), or why there is none.
    static func thumbnailMade(_ item: GalleryItem, home: String) -> GalleryItem {
        let picture = item.picture
        do throws(PictureError) {
            guard let image = try ResultImageFiles.withThumbnail(home: home, idTask: picture.idTask, position: picture.position) else {
                return GalleryItem(picture: picture, problem: Wording.galleryNoThumbnail)
            }
            PictureCache.returnFreedMemory()  // the full image decoded for the thumbnail
            return GalleryItem(picture: picture, image: image)
        } catch {
            return GalleryItem(picture: picture, problem: error.message)
        }
    }
}

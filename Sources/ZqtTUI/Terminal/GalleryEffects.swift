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
        // With pictures off nothing draws a thumbnail: none is made, so no decoder is loaded (issue 20's
        // leftovers: opening the gallery with --images off loaded libpng, libjpeg and libwebp).
        let thumbnails = drawsPictures.load(ordering: .relaxed)
        // A thread of its own, not Swift's pool: decodes and downloads there must not hold up the page.
        startThread {
            do throws(HistoryError) {
                let page = try store.gallery(filter: filter, before: before, limit: limit)
                let items = Self.galleryItems(page.pictures, home: home, thumbnails: thumbnails)
                inbox.post(.galleryLoaded(GalleryPageLoaded(filter: filter, items: items, hasMore: page.hasMore,
                                                            nextBefore: page.nextBefore, appending: before != nil)))
                for item in items where thumbnails && item.problem == Wording.galleryMakingThumbnail {
                    inbox.post(.galleryThumbnailMade(Self.thumbnailMade(item, home: home)))
                }
            } catch {
                inbox.post(.historyFailed(error.message))
            }
        }
    }

    /// Each picture with zqt's copy and thumbnail, when they are on disk (a
    /// listing of its task's folder: the thumbnail's name holds the size).
    /// Without `thumbnails` (pictures off) a copy with none is sized from its
    /// header, as a send with pictures off keeps it: nothing is decoded.
    static func galleryItems(_ pictures: [GalleryPicture], home: String, thumbnails: Bool = true) -> [GalleryItem] {
        pictures.map { picture in
            let found = thumbnails ? ResultImageFiles.existing(home: home, idTask: picture.idTask, position: picture.position)
                : ResultImageFiles.existingCopy(home: home, idTask: picture.idTask, position: picture.position)
            if let image = found {
                return GalleryItem(picture: picture, image: image)
            }
            let problem = LocalFile.regularFileSize(picture.localPath) == nil ? Wording.galleryCopyGone(picture.localPath)
                : thumbnails ? Wording.galleryMakingThumbnail : Wording.galleryNoThumbnail
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

// What one task may bring onto the disk (issue 23). A hostile service
// answering with 30 image URLs of 60 MB each filled 1.8 GB of
// $ZQT_HOME/images in 12 s: now a task's pictures are fetched up to
// `imagesPerTask` of them and `bytesPerTask` in all, each at most
// `bytesPerImage`; beyond a bound an image is listed as not fetched, with
// the reason, and fetched on request (`zqt results ID --all`, the screen's
// "fetch the rest"). The pictures kept in all have a disk budget
// (`images_max_bytes` in the config file): the oldest kept copies of deleted
// rows, then of old rows, go first (ResultImageFiles.pruneToBudget).

public struct ImageBounds: Sendable, Equatable {
    public var imagesPerTask: Int
    public var bytesPerTask: Int
    public var bytesPerImage: Int

    public init(imagesPerTask: Int, bytesPerTask: Int, bytesPerImage: Int) {
        self.imagesPerTask = imagesPerTask
        self.bytesPerTask = bytesPerTask
        self.bytesPerImage = bytesPerImage
    }

    /// A batch of 8 × 4 at 2048×2048 fits (§1.1: n_iter × batch_size images);
    /// one image is at most 48 MiB (a 4096×4096 PNG is about 30).
    public static let standard = ImageBounds(imagesPerTask: 32, bytesPerTask: 256 << 20, bytesPerImage: 48 << 20)
    /// Asked for by the user: any number of images, each still at most `bytesPerImage`.
    public static let onRequest = ImageBounds(imagesPerTask: .max, bytesPerTask: .max, bytesPerImage: 48 << 20)

    /// `images_max_bytes` when the config file says none: 2 GiB.
    public static let defaultDiskBudget = 2 << 30

    /// The disk budget the config file gives, else the default.
    public static func diskBudget(_ configured: Int?) -> Int {
        configured ?? defaultDiskBudget
    }
}

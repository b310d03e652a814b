// The picture face detection scanned (issue 17, zhiqite-api.md §4.9), had
// off the event loop so its faces' boxes can be drawn over it: the user's own
// file when the request named a local one (the history row keeps the path),
// else the image URL downloaded once into the task's folder of
// $ZQT_HOME/images (as `scanned`, beside nothing the gallery lists). The
// boxes are drawn into a decoded copy in memory (PictureCache's faces key);
// no file is changed.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Images
import Model

extension EffectRunner {
    func performFaceScan(_ scan: FaceScanFetch) {
        Task.detached { [self] in
            guard let picture = await scannedPicture(scan) else { return }
            inbox.post(.faceScanShown(idTask: scan.idTask, picture))
        }
    }

    /// The scanned picture with its boxes, decoded now so the frame only
    /// draws it; nil when it cannot be had (the table stays, alone).
    private func scannedPicture(_ scan: FaceScanFetch) async -> ShownPicture? {
        var source = scan.source
        // The row's request holds the path as sent (made absolute), or the URL.
        if let recordID = scan.recordID, let record = (try? store?.record(id: recordID)) ?? nil,
           let sent = LocalImageFields.firstImage(in: record.request) {
            source = sent
        }
        guard let source, !source.isEmpty else { return nil }
        let file: String
        if LocalInputs.localPath(source) != nil {
            file = LocalPicture.absolutePath(source, directory: FileManager.default.currentDirectoryPath,
                                            environment: ProcessInfo.processInfo.environment)
        } else {
            let folder = ResultImageFiles.folder(home: home, idTask: scan.idTask)
            let kept = folder + "/scanned"
            if LocalFile.regularFileSize(kept) == nil {
                // The download is bounded by the client; an answer that is no picture is not kept.
                guard let bytes = try? await api.download(source), (try? Picture.decode(bytes)) != nil,
                      (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
                      FileManager.default.createFile(atPath: kept, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
                else { return nil }
            }
            file = kept
        }
        let key = PictureCache.facesKey(file, boxes: scan.boxes)
        guard case let .success(drawn) = PictureCache.shared.picture(key) else { return nil }
        PictureCache.returnFreedMemory()
        return ShownPicture(position: 0, seed: nil,
                            image: LocalImage(position: 0, path: key, thumbnailPath: key, width: drawn.width, height: drawn.height))
    }
}

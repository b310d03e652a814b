// Local files as inputs on the screen (issue 17): zqt in tmux with
// `--sandbox` and no configuration, face swap with two local photos typed
// into its fields. A file that is no picture (the form's own check sees a
// file; the send's reads its header): the send fails with the field named,
// nothing reaches the service, the form keeps the paths; the photo put
// there and F5 again: the sandbox receives its own upload URLs,
// the task succeeds, and the history row keeps paths, URLs and hashes.
// The status line's upload progress is the reducer's (last test).

import Foundation
import TestScratch
import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct EndToEndUploadTests {
    typealias Steps = EndToEndEndpointTests

    @Test(.enabled(if: TmuxSession.isAvailable))
    func faceSwapWithTwoLocalPhotosInTheScreenAgainstTheSandbox() async throws {
        try await offThePool { try Self.faceSwapSteps() }
    }

    static func faceSwapSteps() throws {
        let scratch = Scratch()
        let home = Steps.freshHome(in: scratch)
        let photos = home + "-photos"
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: photos)
        }
        let face = PNGImage.render(width: 64, height: 64, seed: 21)
        _ = FileManager.default.createFile(atPath: photos + "/face.png", contents: Data(face))
        _ = FileManager.default.createFile(atPath: photos + "/group.png", contents: Data("not a picture yet".utf8))
        let (session, baseURL) = try Steps.start(home: home)
        try session.waitFor(text: "zqt · ControlNet → ")

        try Steps.switchEndpoint(session, filter: "face swap v1", title: "Face swap V1")
        try Steps.focus(session, "Source face")
        try Steps.edit(session, photos + "/face.png")
        try Steps.focus(session, "Target image")
        try Steps.edit(session, photos + "/group.png")
        try session.send("F5")
        let failed = try session.waitFor(text: "Send failed: Target image: \(photos)/group.png: is not a PNG, JPEG or WebP picture (nothing was sent)")
        #expect(failed.contains(photos + "/face.png"), "the form keeps the paths")
        #expect(try Steps.received(baseURL).isEmpty, "nothing reached the service")

        // The photo put in place, the same form sent again.
        let group = PNGImage.render(width: 96, height: 64, seed: 22)
        _ = FileManager.default.createFile(atPath: photos + "/group.png", contents: Data(group))
        try session.send("F5")
        try session.waitFor(text: "Sent to Face swap V1: task_id", timeout: 60)
        try session.waitFor("the swapped image", timeout: 60) { $0.contains("success · 1 image") }

        let sent = try Steps.received(baseURL)
        let body = try #require(sent.last?.body)
        let source = try #require(body["sourceUrl"]?.stringValue)
        let target = try #require(body["targetUrl"]?.stringValue)
        #expect(source.hasPrefix(baseURL + "/sandbox/uploads/") && target.hasPrefix(baseURL + "/sandbox/uploads/"))
        let served = try ZqtBinary.shell("curl -s \(source) | cmp - \(photos)/face.png && echo same")
        #expect(served.trimmingCharacters(in: .whitespacesAndNewlines) == "same", "the sandbox serves the photo it was sent")

        let store = try HistoryStore.open(inFolder: home)
        let rows = try store.list()
        #expect(rows.map(\.state) == [.succeeded, .sendFailed], "the failed send stays in history")
        let uploads = try store.uploads(id: try #require(rows.first?.id))
        #expect(uploads.map(\.localPath) == [photos + "/face.png", photos + "/group.png"])
        #expect(uploads.map(\.url) == [source, target])
        #expect(uploads.map(\.sha256) == [Digest.hex(try Digest.sha256(face)), Digest.hex(try Digest.sha256(group))])
        try Steps.quit(session)
    }

    /// The status line says how far the uploads are while the send is on its way, and nothing after.
    @Test func theStatusLineShowsUploadProgress() {
        var state = makeState()
        _ = Reducer.reduce(&state, .uploadProgress(UploadProgress(done: 1, total: 2)))
        #expect(state.status?.text != "Uploading 2 files… 1/2", "no send on its way: nothing to say")
        state.submitting = true
        _ = Reducer.reduce(&state, .uploadProgress(UploadProgress(done: 1, total: 2)))
        #expect(state.status == StatusMessage(text: "Uploading 2 files… 1/2", kind: .info))
        _ = Reducer.reduce(&state, .uploadProgress(UploadProgress(done: 0, total: 1)))
        #expect(state.status?.text == "Uploading 1 file… 0/1")
    }
}

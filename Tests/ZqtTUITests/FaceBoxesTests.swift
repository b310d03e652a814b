import Foundation
import TestScratch
import Images
import Model
@testable import Sandbox
import Testing
@testable import ZqtTUI

/// Face detection's faces drawn over the picture it scanned (issue 17,
/// §4.9): outlines drawn into decoded pixels, numbered as the table's rows,
/// in the results pane where pictures are on; the file itself untouched.
@Suite struct FaceBoxesTests {
    static func white(_ width: Int, _ height: Int) -> Picture {
        Picture(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height * 4))
    }

    static func pixel(_ picture: Picture, _ x: Int, _ y: Int) -> [UInt8] {
        let index = (y * picture.width + x) * 4
        return Array(picture.pixels[index..<index + 3])
    }

    @Test func aBoxIsOutlinedInItsColourAndItsInsideLeftAlone() {
        let picture = Self.white(200, 160)
        let drawn = picture.withFaceBoxes([FaceBox(number: 1, x: 20, y: 30, width: 80, height: 60),
                                           FaceBox(number: 2, x: 120, y: 30, width: 60, height: 60)])
        let first = Picture.faceBoxColours[0], second = Picture.faceBoxColours[1]
        #expect(Self.pixel(drawn, 20, 60) == [first.0, first.1, first.2], "the left edge")
        #expect(Self.pixel(drawn, 99, 60) == [first.0, first.1, first.2], "the right edge")
        #expect(Self.pixel(drawn, 60, 89) == [first.0, first.1, first.2], "the bottom edge")
        #expect(Self.pixel(drawn, 60, 60) == [255, 255, 255], "the face itself is not covered")
        #expect(Self.pixel(drawn, 179, 60) == [second.0, second.1, second.2], "the second box in the next colour")
        #expect(Self.pixel(drawn, 10, 10) == [255, 255, 255], "outside every box")
        // The number's tag: black digit pixels inside the box's top-left corner.
        let tag = (30..<44).flatMap { y in (20..<34).map { x in Self.pixel(drawn, x, y) } }
        #expect(tag.contains([0, 0, 0]), "the number is drawn")
        #expect(picture.pixels.allSatisfy { $0 == 255 }, "a copy is drawn on, not the picture")
    }

    @Test func boxesScaleWithThePictureAndAnyValueIsSafe() {
        let drawn = Self.white(100, 80).withFaceBoxes([FaceBox(number: 1, x: 40, y: 40, width: 80, height: 80)], scale: 0.5)
        let colour = Picture.faceBoxColours[0]
        #expect(Self.pixel(drawn, 20, 40) == [colour.0, colour.1, colour.2], "x 40 in the file is 20 in a half-size copy")
        // Boxes off the picture, of no size, or absurd: clipped or left out, never a trap.
        let odd = [FaceBox(number: 1, x: -500, y: -500, width: 10_000, height: 10_000), FaceBox(number: 2, x: 10, y: 10, width: 0, height: 5),
                   FaceBox(number: 3, x: Int.max / 2, y: Int.min / 2, width: Int.max / 2, height: 3),
                   FaceBox(number: 99_999, x: 90, y: 70, width: 50, height: 50)]
        let survived = Self.white(100, 80).withFaceBoxes(odd, scale: 1e300)
        #expect(survived.width == 100 && survived.height == 80)
        _ = Self.white(100, 80).withFaceBoxes(odd, scale: .nan)
    }

    @Test func theBoxesAreReadFromTheAnswerNumberedAsTheTable() {
        let answer = #"{"faces": [{"index": 1, "score": 0.93, "box": {"x": 10, "y": 20, "width": 30, "height": 40}}, {"index": 2, "bbox": [50, 60, 70, 80]}, {"index": 3, "box": {"x": "a"}}]}"#
        #expect(PicturesPane.faceBoxes(answer) == [FaceBox(number: 1, x: 10, y: 20, width: 30, height: 40),
                                                  FaceBox(number: 2, x: 50, y: 60, width: 70, height: 80)])
        #expect(PicturesPane.faceBoxes(#"{"caption": "a cat"}"#) == nil)
    }

    /// With pictures off, nothing is fetched: the table alone.
    @Test func withPicturesOffNoPictureIsAskedFor() {
        var state = makeState(width: 120, height: 40)
        EndpointReducerTests.switchTo(&state, "face detection")
        state.view.pictureMode = .off(reason: "pictures are off")
        let answer: JSONValue = .object([("businessTaskId", .string("t")), ("status", .int(1)),
                                         ("faces", .array([.object([("index", .int(1)), ("box", .object([("x", .int(1)), ("y", .int(2)), ("width", .int(3)), ("height", .int(4))]))])]))])
        let info = TaskInfo(data: answer, family: .tool(code: "face/detection"), result: .data)
        state.task = TrackedTask(recordID: nil, idTask: "t", status: 1, desc: "running", progress: nil, phase: .inProgress, resultCount: 0, result: .data)
        let effects = Reducer.reduce(&state, .poll(recordID: nil, idTask: "t", .update(info)))
        #expect(!effects.contains { if case .fetchFaceScan = $0 { return true } else { return false } }, "\(effects)")
        state.view.pictureMode = .symbols(.palette240)
        state.results = nil
        let again = Reducer.reduce(&state, .poll(recordID: nil, idTask: "t", .update(info)))
        #expect(again.contains { if case .fetchFaceScan = $0 { return true } else { return false } }, "\(again)")
    }

    /// Against the sandbox: a local photo scanned, its faces boxed over it in
    /// the results pane beside the table; the photo's file unchanged.
    @Test func aLocalPhotosFacesAreBoxedInTheResultsPane() async throws {
        let scratch = Scratch()
        let fixture = try TrackingFixture(taskSeconds: 0.3)
        let folder = try PictureTests.temporaryFolder(in: scratch)
        let photo = folder + "/two-people.png"
        let bytes = Data(PNGImage.render(width: 768, height: 768, seed: 5))
        try bytes.write(to: URL(fileURLWithPath: photo))
        var state = makeState(width: 120, height: 40)
        EndpointReducerTests.switchTo(&state, "face detection")
        state.view.pictureMode = .symbols(.palette240)
        state.request["imageUrl"] = .string(photo)
        let effects = press(&state, .function(5))
        try await ToolResultScreenTests.run(&state, effects, on: fixture) { $0.results?.scanned != nil }
        let set = try #require(state.results)
        let boxes = try #require(set.texts.lazy.compactMap(PicturesPane.faceBoxes).first)
        let key = try #require(set.scanned?.image?.path)
        guard case let .success(drawn)? = PictureCache.shared.decoded(key) else {
            Issue.record("the boxed picture is decoded before it is shown")
            return
        }
        let scale = Double(drawn.width) / 768
        let box = try #require(boxes.first)
        let edge = Self.pixel(drawn, Int((Double(box.x) * scale).rounded()), Int((Double(box.y + box.height / 2) * scale).rounded()))
        let colour = Picture.faceBoxColours[0]
        #expect(edge == [colour.0, colour.1, colour.2], "face 1's box over the picture")
        #expect(try Data(contentsOf: URL(fileURLWithPath: photo)) == bytes, "the user's file is left as it was")

        let grid = PictureTests.renderWithPictures(&state)
        let pane = try #require(Layout.regions(for: state.view.size, showPreview: false, results: true).results)
        let pictureCells = (pane.y..<pane.maxY).flatMap { y in (pane.x..<pane.maxX).map { grid[$0, y] } }.filter { $0.style == .picture }
        #expect(pictureCells.count > 50, "the picture is drawn in the pane")
        #expect(grid.text.contains("\(boxes.count) face") && grid.text.contains("face  score"), "the table stays:\n\(grid.text)")
    }
}

import Foundation
import TestScratch
import Model
@testable import Sandbox
import Testing
@testable import ZqtTUI

/// An image field takes a local file (issue 17): Tab completes its path while
/// it is edited, the picker lists a folder's pictures and sets the field, and
/// a path that names no file is flagged on its field. The folder reads and
/// checks run in place here, as the effect runner runs them off the loop.
@Suite struct LocalFileInputTests {
    static let faceSwap = EndpointCatalog.shipped.endpoint(id: "tool/roop")!
    static let source = FieldID("sourceUrl"), target = FieldID("targetUrl")

    /// A home folder holding pictures/ with two faces, a group photo, a
    /// folder of more faces, a text file and a hidden picture.
    static func home(in scratch: Scratch) throws -> String {
        let root = scratch.path("zqt-home")
        for folder in ["pictures/faces", "pictures/old"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        for file in ["pictures/face.png", "pictures/group.jpg", "pictures/notes.txt", "pictures/.secret.png", "pictures/faces/me.webp"] {
            _ = FileManager.default.createFile(atPath: root + "/" + file, contents: Data([0x89, 0x50]))
        }
        return root
    }

    /// A face swap form with the source face focused.
    static func faceSwapState() -> AppState {
        var state = makeState()
        state.request = Request.new(for: faceSwap, taskID: "zqt-20261206-100000-000-path")
        state.baselineJSON = state.request.wireJSON
        focus(&state, source)
        return state
    }

    /// Keys, each followed by the path effects it asked for, run as the runner does.
    static func press(_ state: inout AppState, _ keys: Key..., places: PathEffects.Places) {
        for key in keys { settle(&state, Reducer.reduce(&state, .key(key)), places: places) }
    }

    static func settle(_ state: inout AppState, _ effects: [Effect], places: PathEffects.Places) {
        var pending = effects
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if let work = PathEffects.answerLater(effect, places: places) { pending += Reducer.reduce(&state, work()) }
        }
    }

    static func editText(_ state: AppState) -> String? { state.view.editing?.buffer.text }

    @Test func tabCompletesAUniquePrefixAndAFolderGetsASlash() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home + "/pictures")
        var state = Self.faceSwapState()
        Self.press(&state, .enter, places: places)
        type(&state, "~/pic")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "~/pictures/", "the folder, with its slash")
        #expect(state.view.focus == Self.source, "Tab on a path stays in the field")
        type(&state, "gr")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "~/pictures/group.jpg")
        Self.press(&state, .enter, places: places)
        #expect(state.request.wireValue["sourceUrl"] == .string("~/pictures/group.jpg"), "the wire JSON holds the path as typed")
        #expect(state.paths.files["~/pictures/group.jpg"] == .file)
        #expect(state.problems.allSatisfy { $0.path != "sourceUrl" }, "an existing file is no problem, and no \"not a URL\"")
    }

    @Test func anAmbiguousPrefixCompletesWhatIsSharedAndASecondTabListsTheCandidates() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home + "/pictures")
        var state = Self.faceSwapState()
        Self.press(&state, .enter, places: places)
        type(&state, "./f")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "./face", "face.png and faces/ share \"face\"")
        #expect(state.status?.text == "2 files match: Tab again lists them")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "./face")
        #expect(state.status?.text == "face.png  faces/", "the second Tab lists them, the folder with its slash")
        type(&state, "s")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "./faces/")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "./faces/me.webp")
    }

    @Test func hiddenFilesOnlyWhenTheNameStartsWithADotAndNoMatchIsSaid() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home)
        var state = Self.faceSwapState()
        Self.press(&state, .enter, places: places)
        type(&state, "./pictures/.")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "./pictures/.secret.png")
        Self.press(&state, .ctrl("u"), places: places)
        type(&state, "./pictures/zz")
        Self.press(&state, .tab, places: places)
        #expect(Self.editText(state) == "./pictures/zz")
        #expect(state.status?.text == "No file starts with \"zz\" in ./pictures/" && state.status?.kind == .error)
        Self.press(&state, .ctrl("u"), places: places)
        type(&state, "./nowhere/a")
        Self.press(&state, .tab, places: places)
        #expect(state.status?.text == "No folder ./nowhere/", "a folder that cannot be read says so")
    }

    @Test func tabOnTextThatIsNoPathMovesToTheNextField() {
        var state = Self.faceSwapState()
        let places = PathEffects.Places(home: "/nonexistent", current: "/nonexistent")
        Self.press(&state, .enter, places: places)
        type(&state, "https://example.com/face.png")
        Self.press(&state, .tab, places: places)
        #expect(state.view.editing == nil && state.view.focus == Self.target, "Tab moves on, as in any field")
        #expect(state.request.wireValue["sourceUrl"] == .string("https://example.com/face.png"))
    }

    @Test func aPathThatNamesNoFileIsFlaggedOnItsFieldAndTheSendRefused() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home)
        var state = Self.faceSwapState()
        state.request["targetUrl"] = .string("https://example.com/group.png")
        Self.press(&state, .enter, places: places)
        type(&state, "./nope.png")
        Self.press(&state, .enter, places: places)
        #expect(state.status?.text == "Source face: no file at ./nope.png" && state.status?.kind == .error, "said as soon as it is known")
        Self.press(&state, .function(5), places: places)
        #expect(state.status?.text.contains("Source face: no file at ./nope.png") == true, "the send is refused, naming the field")
        #expect(!state.submitting)
        let screen = Screen.render(state).text
        #expect(screen.contains("⚠ Source face: no file at ./nope.png"), "marked under the field")
        // The file made, and the field edited again: checked anew.
        _ = FileManager.default.createFile(atPath: home + "/nope.png", contents: Data([1]))
        Self.press(&state, .enter, .enter, places: places)
        #expect(state.paths.files["./nope.png"] == .file)
        #expect(!state.problems.contains { $0.path == "sourceUrl" })
    }

    /// A bare name (`face.png`) is no local path (it could as well be a URL
    /// missing its scheme), but when it is a file here the field says to write `./face.png`.
    @Test func aBareNameThatIsAFileHereIsHintedAsADotSlashPath() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home + "/pictures")
        var state = Self.faceSwapState()
        state.request["targetUrl"] = .string("https://example.com/group.png")
        Self.press(&state, .enter, places: places)
        type(&state, "face.png")
        Self.press(&state, .enter, places: places)
        #expect(state.paths.files["face.png"] == .file, "the bare name was looked for in the current folder")
        let hint = "write ./face.png for the file here; not a URL"
        #expect(state.problems.first { $0.path == "sourceUrl" }?.message == hint)
        #expect(state.status?.text == "Source face: " + hint, "said as soon as it is known, as a missing file is")
        Self.press(&state, .function(5), places: places)
        #expect(state.status?.text.contains(hint) == true && !state.submitting, "the send is refused with the hint: \(state.status?.text ?? "")")
        #expect(Screen.render(state).text.contains("⚠ write ./face.png for the file here"), "marked under the field")
        // A name that is no file here stays "not a URL".
        Self.press(&state, .enter, places: places)
        for _ in 0..<8 { Self.press(&state, .backspace, places: places) }
        type(&state, "nope.png")
        Self.press(&state, .enter, places: places)
        #expect(state.problems.first { $0.path == "sourceUrl" }?.message == "not a URL: expected http://… or https://…")
    }

    /// The command line says the same of a request file's bare name.
    @Test func theCommandLineHintsABareNameThatIsAFileToo() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let home = try Self.home(in: scratch)
            let folder = home + "/pictures"
            try #"{"image": "face.png", "model": "clip"}"#.write(toFile: folder + "/describe.json", atomically: true, encoding: .utf8)
            let answer = try ZqtBinary.shell("cd '\(folder)' && ZQT_HOME='\(home)/zqt' HOME='\(home)' '\(ZqtBinary.url.path)' validate describe.json --endpoint describe 2>&1; echo status $?")
            #expect(answer.contains("invalid: image: write ./face.png for the file here; not a URL"), "output: \(answer)")
            #expect(answer.hasSuffix("status 2\n"))
        }
    }

    @Test func thePickerListsOnlyPicturesAndFoldersAndChoosingSetsTheField() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home + "/pictures")
        var state = Self.faceSwapState()
        state.view.size = Size(width: 160, height: 40)
        focus(&state, Self.target)
        Self.press(&state, .char("f"), places: places)
        let picker = try #require(state.paths.picker)
        #expect(picker.listing?.shownFolder == "~/pictures", "the current folder, home written as ~")
        #expect(picker.entries == [.parent, .folder("faces"), .folder("old"), .picture("face.png"), .picture("group.jpg")],
                "no text file, no hidden picture")
        let screen = Screen.render(state).text
        #expect(screen.contains("Target image: choose a picture in ~/pictures"))
        #expect(screen.contains("faces/") && screen.contains("group.jpg") && !screen.contains("notes.txt"))
        #expect(picker.selected == 1, "the first folder is highlighted, not ..")
        // Into faces/, up again, then the group photo.
        Self.press(&state, .enter, places: places)
        #expect(state.paths.picker?.listing?.shownFolder == "~/pictures/faces")
        #expect(state.paths.picker?.entries == [.parent, .picture("me.webp")])
        Self.press(&state, .backspace, places: places)
        #expect(state.paths.picker?.listing?.shownFolder == "~/pictures")
        Self.press(&state, .down, .down, .down, places: places)
        Self.press(&state, .enter, places: places)
        #expect(state.paths.picker == nil)
        #expect(state.request.wireValue["targetUrl"] == .string("~/pictures/group.jpg"), "the wire JSON shows the path in the field")
        #expect(state.status?.text == "Target image: ~/pictures/group.jpg, uploaded when the request is sent")
        let preview = Screen.render(state).text
        #expect(preview.contains("targetUrl: ~/pictures/group.jpg will be uploaded at send"), "the note under the JSON")
        #expect(preview.contains("\"targetUrl\": \"~/pictures/group.jpg\""), "the JSON itself is the body as it stands")
    }

    @Test func thePickerStartsInTheFolderOfTheFieldsPathAndEscLeavesTheFieldAsItWas() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: "/")
        var state = Self.faceSwapState()
        state.request["sourceUrl"] = .string("~/pictures/faces/me.webp")
        Self.press(&state, .ctrl("o"), places: places)
        #expect(state.paths.picker?.listing?.folder == home + "/pictures/faces/")
        #expect(state.paths.picker?.entries[state.paths.picker?.selected ?? 0] == .picture("me.webp"), "the field's file is highlighted")
        let before = state.request
        Self.press(&state, .escape, places: places)
        #expect(state.paths.picker == nil && state.request == before)
        // A field whose folder is gone: the current folder, saying why.
        state.request["sourceUrl"] = .string("~/gone/me.png")
        Self.press(&state, .char("f"), places: places)
        #expect(state.paths.picker?.listing?.folder == "/")
        #expect(state.paths.picker?.problem == "No folder ~/gone/")
    }

    @Test func aControlNetUnitsImageAndATrainingListTakeFilesToo() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home + "/pictures")
        // A unit's control image (a group item's input image, from the catalog).
        var state = makeState()
        Self.press(&state, .char("a"), places: places)
        type(&state, "canny")
        Self.press(&state, .enter, places: places)
        let image = FieldID.item("alwayson_scripts.controlnet.args", 0, "image_link")
        focus(&state, image)
        #expect(state.scopes.contains(.imageField))
        Self.press(&state, .char("f"), places: places)
        let entries = try #require(state.paths.picker?.entries)
        Self.press(&state, Self.keysDown(entries.count - 2), places: places)
        Self.press(&state, .enter, places: places)
        #expect(state.request.wireValue.value(at: "alwayson_scripts.controlnet.args")?.arrayValue?.first?["image_link"]
                == .string("~/pictures/group.jpg"))
        // A training list gains each picked file on a line of its own.
        let training = try #require(EndpointCatalog.shipped.endpoint(id: "modelTraining/submitTraining/Job"))
        state.request = Request.new(for: training, taskID: "t-1")
        state.view.openItem = nil
        focus(&state, FieldID("fileUrlList"))
        for position in [3, 4] {
            Self.press(&state, .char("f"), places: places)
            Self.press(&state, Self.keysDown(position - 1), places: places)
            Self.press(&state, .enter, places: places)
        }
        #expect(state.request.wireValue["fileUrlList"] == .array([.string("~/pictures/face.png"), .string("~/pictures/group.jpg")]))
    }

    /// `count` presses of ↓.
    static func keysDown(_ count: Int) -> [Key] { Array(repeating: .down, count: count) }
}

extension LocalFileInputTests {
    static func press(_ state: inout AppState, _ keys: [Key], places: PathEffects.Places) {
        for key in keys { press(&state, key, places: places) }
    }
}

/// The picker's pictures (issue 17): a thumbnail on each row on screen and
/// the highlighted one larger, decoded off the loop as every picture is
/// (PictureDecodingReducer), a placeholder until then; rows scrolled past are
/// never decoded. `/` filters by name; a folder past the bound says so.
@Suite struct FilePickerPictureTests {
    @Test func theHighlightedPictureIsDecodedOnceWantedThenDrawn() throws {
        let scratch = Scratch()
        let home = try LocalFileInputTests.home(in: scratch)
        let folder = home + "/shots"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder + "/a.png", contents: Data(PNGImage.render(width: 64, height: 48, seed: 7)))
        _ = FileManager.default.createFile(atPath: folder + "/b.png", contents: Data(PNGImage.render(width: 64, height: 48, seed: 8)))
        let places = PathEffects.Places(home: home, current: folder)
        var state = LocalFileInputTests.faceSwapState()
        state.view.pictureMode = .symbols(.palette240)
        LocalFileInputTests.press(&state, .char("f"), places: places)
        #expect(state.paths.picker?.entries == [.parent, .picture("a.png"), .picture("b.png")])
        let first = Screen.render(state)
        let thumbnails = ["a.png", "b.png"].map { PictureCache.smallKey(folder + "/" + $0, side: FilePickerView.thumbnailSide) }
        #expect(first.picturesWanted == thumbnails + [folder + "/a.png"], "each row's thumbnail, and the highlighted picture larger")
        #expect(first.text.contains(Wording.picturesDecoding))
        let effects = Reducer.reduce(&state, .picturesWanted(first.picturesWanted))
        #expect(effects == [.decodePictures(first.picturesWanted)])
        _ = Reducer.reduce(&state, EffectRunner.decodePictures(first.picturesWanted))
        let drawn = Screen.render(state)
        #expect(drawn.picturesWanted.isEmpty && !drawn.text.contains(Wording.picturesDecoding))
        #expect(drawn.cells.contains { $0.style == .picture }, "the picture is drawn beside the list")
    }

    /// Only the rows on screen get their thumbnails decoded; moving down
    /// asks for the rows that come into view, not the rest of the folder.
    @Test func onlyTheRowsOnScreenHaveTheirThumbnailsDecoded() throws {
        let scratch = Scratch()
        let home = try LocalFileInputTests.home(in: scratch)
        let folder = home + "/many"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let png = Data(PNGImage.render(width: 16, height: 16, seed: 1))
        for n in 0..<60 { _ = FileManager.default.createFile(atPath: folder + String(format: "/p%02d.png", n), contents: png) }
        var state = LocalFileInputTests.faceSwapState()
        state.view.size = Size(width: 120, height: 30)
        state.view.pictureMode = .symbols(.palette240)
        LocalFileInputTests.press(&state, .char("f"), places: PathEffects.Places(home: home, current: folder))
        let picker = try #require(state.paths.picker)
        let visible = FilePickerView.visibleEntries(picker, state: state)
        #expect(visible > 2 && visible < 20, "a page of rows, three lines each: \(visible)")
        let wanted = Screen.render(state).picturesWanted.filter { $0.contains(PictureCache.smallMark) }
        #expect(wanted.count == visible - 1, "a thumbnail for each picture row on screen (.. has none): \(wanted.count)")
        #expect(!wanted.contains { $0.contains("p59.png") })
        LocalFileInputTests.press(&state, .pageDown, places: PathEffects.Places(home: home, current: folder))
        let later = Screen.render(state).picturesWanted.filter { $0.contains(PictureCache.smallMark) }
        #expect(later.count == visible, "the rows now on screen: \(later.count)")
        #expect(!later.contains { $0.contains("p59.png") }, "still not the folder's end")
    }

    /// `/` then letters narrow the list as the history's filter does; Esc clears it.
    @Test func typingFiltersThePickerByName() throws {
        let scratch = Scratch()
        let home = try LocalFileInputTests.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home + "/pictures")
        var state = LocalFileInputTests.faceSwapState()
        state.view.pictureMode = .off(reason: "pictures are off")
        LocalFileInputTests.press(&state, .char("f"), .char("/"), places: places)
        #expect(state.paths.picker?.filterFocused == true)
        LocalFileInputTests.press(&state, .char("G"), .char("r"), places: places)
        #expect(state.paths.picker?.entries == [.parent, .picture("group.jpg")], "any case, part of the name")
        let screen = Screen.render(state).text
        #expect(screen.contains("/ Gr") && screen.contains("group.jpg") && !screen.contains("face.png"), "\(screen)")
        // j is text while the filter is typed; Enter goes back to the list, which chooses.
        LocalFileInputTests.press(&state, .char("j"), places: places)
        #expect(state.paths.picker?.filter.text == "Grj" && state.paths.picker?.entries == [.parent])
        #expect(Screen.render(state).text.contains("No picture or folder here has “Grj” in its name"))
        LocalFileInputTests.press(&state, .backspace, .enter, places: places)
        #expect(state.paths.picker?.filterFocused == false && state.paths.picker?.entries == [.parent, .picture("group.jpg")])
        LocalFileInputTests.press(&state, .enter, places: places)
        #expect(state.request.wireValue["sourceUrl"] == .string("~/pictures/group.jpg"))
        // Esc in the filter clears it.
        LocalFileInputTests.press(&state, .char("f"), .char("/"), .char("f"), .escape, places: places)
        #expect(state.paths.picker?.filter.text == "" && state.paths.picker?.entries.count == 5)
    }

    /// A folder larger than the bound says how many entries it left out, and
    /// the filter finds one of them (the folder read again for it).
    @Test func aFolderPastTheBoundSaysWhatIsNotListedAndTheFilterFindsIt() throws {
        let scratch = Scratch()
        let home = try LocalFileInputTests.home(in: scratch)
        let folder = home + "/camera"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let count = PathCompletion.entryLimit + 25
        // creat(2): FileManager.createFile takes seconds for thousands of files.
        for n in 0..<count { close(creat(folder + String(format: "/IMG_%05d.jpg", n), 0o644)) }
        let places = PathEffects.Places(home: home, current: folder)
        var state = LocalFileInputTests.faceSwapState()
        state.view.pictureMode = .off(reason: "pictures are off")
        LocalFileInputTests.press(&state, .char("f"), places: places)
        let listing = try #require(state.paths.picker?.listing)
        #expect(listing.notListed == 25 && listing.entries.count == PathCompletion.entryLimit)
        #expect(Screen.render(state).text.contains("25 more entries not listed: / and part of a name finds them"))
        // Which names readdir(3) left out is the file system's order: the filter finds any of them.
        let kept = Set(listing.entries.map(\.name))
        let missing = try #require((0..<count).map { String(format: "IMG_%05d.jpg", $0) }.first { !kept.contains($0) })
        LocalFileInputTests.press(&state, .char("/"), places: places)
        for character in missing.dropLast(4) { LocalFileInputTests.press(&state, .char(character), places: places) }
        #expect(state.paths.picker?.entries == [.parent, .picture(missing)], "\(String(describing: state.paths.picker?.entries.prefix(3)))")
        #expect(!Screen.render(state).text.contains("more entries not listed"))
    }

    @Test func withPicturesOffThePickerIsAListOnly() throws {
        let scratch = Scratch()
        let home = try LocalFileInputTests.home(in: scratch)
        let places = PathEffects.Places(home: home, current: home + "/pictures")
        var state = LocalFileInputTests.faceSwapState()
        state.view.pictureMode = .off(reason: "pictures are off")
        LocalFileInputTests.press(&state, .char("f"), .down, .down, places: places)
        let grid = Screen.render(state)
        #expect(grid.picturesWanted.isEmpty && grid.text.contains("face.png"))
    }
}

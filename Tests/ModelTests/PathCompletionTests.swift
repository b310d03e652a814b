import Foundation
import TestScratch
import Testing
@testable import Model

/// Local files typed into image fields (issue 17): what counts as a path, its
/// completion against a real folder, the bounded read, and which fields of
/// the catalog take a picture.
@Suite struct PathCompletionTests {
    /// A temporary folder with `files` (a name ending in / is a folder).
    static func folder(in scratch: Scratch, _ files: [String]) throws -> String {
        let root = scratch.path("zqt-paths")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for file in files {
            let path = root + "/" + file
            if file.hasSuffix("/") {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } else {
                _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
            }
        }
        return root
    }

    static func listing(_ root: String) throws -> [DirectoryEntry] {
        try PathCompletion.readFolder(root, shownAs: root).get().entries
    }

    @Test func onlyTextStartingWithASlashATildeOrADotSlashIsAPath() {
        for path in ["/tmp/a.png", "~", "~/a.png", "./a.png", "../a.png"] { #expect(PathCompletion.looksLikePath(path), "\(path)") }
        for text in ["https://example.com/a.png", "a.png", "", ".hidden", "..a"] { #expect(!PathCompletion.looksLikePath(text), "\(text)") }
    }

    @Test func aTildeIsTheHomeFolderAndARelativePathIsUnderTheCurrentOne() {
        #expect(PathCompletion.expand("~", home: "/home/u", currentFolder: "/work") == "/home/u")
        #expect(PathCompletion.expand("~/p/a.png", home: "/home/u", currentFolder: "/work") == "/home/u/p/a.png")
        #expect(PathCompletion.expand("./a.png", home: "/home/u", currentFolder: "/work") == "/work/./a.png")
        #expect(PathCompletion.expand("/x/a.png", home: "/home/u", currentFolder: "/work") == "/x/a.png")
        #expect(PathCompletion.abbreviate("/home/u/p", home: "/home/u/") == "~/p")
        #expect(PathCompletion.abbreviate("/home/user2/p", home: "/home/u") == "/home/user2/p", "a folder beside home is not home")
        #expect(PathCompletion.parent(of: "/home/u/p/") == "/home/u" && PathCompletion.parent(of: "/home") == "/")
    }

    @Test func aUniquePrefixCompletesAndAFolderGetsASlash() throws {
        let scratch = Scratch()
        let root = try Self.folder(in: scratch, ["face.png", "group.jpg", "photos/", ".hidden.png"])
        let entries = try Self.listing(root)
        #expect(PathCompletion.complete("./fa", entries: entries) == .init(text: "./face.png", candidates: ["face.png"]))
        #expect(PathCompletion.complete("~/pho", entries: entries) == .init(text: "~/photos/", candidates: ["photos/"]))
        #expect(PathCompletion.complete("./x", entries: entries).candidates.isEmpty)
        #expect(PathCompletion.complete("./x", entries: entries).text == "./x", "no match leaves the text")
    }

    @Test func anAmbiguousPrefixCompletesToWhatTheMatchesShare() throws {
        let scratch = Scratch()
        let root = try Self.folder(in: scratch, ["face-1.png", "face-2.png", "faces/", "other.png"])
        let entries = try Self.listing(root)
        let outcome = PathCompletion.complete("/p/f", entries: entries)
        #expect(outcome.text == "/p/face" && outcome.candidates == ["face-1.png", "face-2.png", "faces/"])
        #expect(PathCompletion.complete("/p/face", entries: entries).text == "/p/face", "the shared part goes no further")
    }

    @Test func hiddenNamesOnlyWhenTheTypedNameStartsWithADot() throws {
        let scratch = Scratch()
        let root = try Self.folder(in: scratch, ["a.png", ".hidden.png", ".config/"])
        let entries = try Self.listing(root)
        #expect(PathCompletion.complete("./", entries: entries).candidates == ["a.png"])
        #expect(PathCompletion.complete("./.h", entries: entries).text == "./.hidden.png")
        #expect(PathCompletion.complete("./.", entries: entries).candidates == [".config/", ".hidden.png"], ". and .. are never offered")
    }

    @Test func aFolderIsReadNoFurtherThanTheBound() throws {
        let scratch = Scratch()
        let root = try Self.folder(in: scratch, (0..<30).map { "f\($0).png" })
        let listing = try PathCompletion.readFolder(root, shownAs: "./", limit: 10).get()
        #expect(listing.entries.count == 10 && listing.truncated)
        #expect(try PathCompletion.readFolder(root, shownAs: "./").get().truncated == false)
        #expect(PathCompletion.entryLimit == 5_000)
    }

    @Test func aMissingFolderOrAFileIsSaidNotListed() throws {
        let scratch = Scratch()
        let root = try Self.folder(in: scratch, ["a.png"])
        #expect(PathCompletion.readFolder(root + "/nope", shownAs: "./nope/") == .failure(.missing("./nope/")))
        #expect(PathCompletion.readFolder(root + "/a.png", shownAs: "./a.png") == .failure(.notAFolder("./a.png")))
        #expect(PathCompletion.fileState(root + "/a.png") == .file)
        #expect(PathCompletion.fileState(root) == .notAFile)
        #expect(PathCompletion.fileState(root + "/b.png") == .missing)
    }

    @Test func picturesAreKnownByTheirExtension() {
        for name in ["a.png", "b.JPG", "c.jpeg", "d.webp"] { #expect(PathCompletion.isPicture(name), "\(name)") }
        for name in ["a.gif", "notes.txt", "png", ".png"] { #expect(!PathCompletion.isPicture(name), "\(name)") }
    }

    @Test func theImageFieldsComeFromTheCatalogAndCallbacksAreNone() throws {
        let catalog = EndpointCatalog.shipped
        let faceSwap = try #require(catalog.endpoint(id: "tool/roop"))
        #expect(faceSwap.fields.filter(\.takesImage).map(\.path) == ["sourceUrl", "targetUrl"], "callbackUrl is no picture")
        let training = try #require(catalog.endpoint(id: "modelTraining/submitTraining/Job"))
        #expect(training.fields.filter(\.takesImage).map(\.path) == ["fileUrlList"])
        let unit = try #require(Endpoint.controlNet.groupFields.first?.groupSpec)
        #expect(unit.fields.filter(\.takesImage).map(\.path) == ["image_link"])
        for endpoint in catalog.endpoints {
            #expect(!endpoint.fields.contains { $0.path == "callbackUrl" && $0.takesImage }, "\(endpoint.title)")
        }
    }

    @Test func localPathsAreFoundInEveryImageFieldAndANamelessOneIsAProblemOfItsField() throws {
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request["alwayson_scripts.image_link"] = .string("~/base.png")
        var units = request.items(of: try #require(Endpoint.controlNet.groupFields.first))
        units[0].set(.string("./edges.png"), at: "image_link")
        request.setItems(units, of: try #require(Endpoint.controlNet.groupFields.first))
        let paths = LocalImageFields.localPaths(in: request)
        #expect(paths.map(\.wirePath) == ["alwayson_scripts.image_link", "alwayson_scripts.controlnet.args[0].image_link"])
        #expect(paths.map(\.path) == ["~/base.png", "./edges.png"])

        let validated = RequestValidator.validate(request)
        #expect(validated.contains { $0.path == "alwayson_scripts.image_link" }, "the validator alone says it is no URL")
        let unchecked = LocalImageFields.problems(request, validated: validated, files: [:])
        #expect(!unchecked.contains { $0.path.hasSuffix("image_link") }, "a local path is no \"not a URL\"")
        let checked = LocalImageFields.problems(request, validated: validated, files: ["~/base.png": .missing, "./edges.png": .notAFile])
        let byPath = Dictionary(checked.map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["alwayson_scripts.image_link"] == "Image link: no file at ~/base.png")
        #expect(byPath["alwayson_scripts.controlnet.args[0].image_link"] == "Unit 1 control image: ./edges.png is a folder or not a regular file")
    }

    @Test func aListOfURLsMayHoldLocalPathsBesideURLs() throws {
        let training = try #require(EndpointCatalog.shipped.endpoint(id: "modelTraining/submitTraining/Job"))
        var request = Request.new(for: training, taskID: "t-1")
        request["fileUrlList"] = .array([.string("https://example.com/1.png"), .string("./2.png")])
        #expect(LocalImageFields.localPaths(in: request).map(\.wirePath) == ["fileUrlList[1]"])
        let problems = LocalImageFields.problems(request, validated: RequestValidator.validate(request), files: ["./2.png": .missing])
        #expect(problems.contains(ValidationProblem(path: "fileUrlList[1]", message: "Training images: no file at ./2.png")))
    }
}

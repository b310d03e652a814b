// What an A1111 answer's `info` says about its pictures (issue 20), read in
// one place: TaskFamily's A1111 reading pairs each picture with its seed
// from it and tells pictures from the ControlNet maps and the grid by it;
// the history entry and the results pane take the grid note and the
// variation seed from it. The seeds a row shows are its results' (each
// paired here once), never `all_seeds` again: an interrupted job's
// `all_seeds` lists seeds it never used. `info` may be JSON text (as A1111
// sends it) or already an object (as zqt keeps it).

public struct A1111AnswerFacts: Sendable, Equatable {
    /// `info.all_seeds`: every seed the job was to use, in the pictures'
    /// order, made or not (an interrupted batch lists them all). Only the
    /// pairing (`seed(ofImageAt:)`) reads it.
    public var allSeeds: [Int?] = []
    /// `info.subseed` and `info.subseed_strength`: the variation seed and how much of it was used.
    public var subseed: Int?
    public var subseedStrength: Double?
    /// `info.index_of_first_image`: where the pictures begin in `images`
    /// (A1111's return_grid puts a batch's grid first).
    public var firstImage = 0
    /// How many of `images` have an infotext (the grid and the pictures);
    /// what follows them is the ControlNet extension's detected maps. Nil
    /// when `info` has no `infotexts` (an older server): then none is a map.
    public var described: Int?

    /// The answer's first image was the batch's grid, left out of the pictures kept.
    public var gridLeftOut: Bool { firstImage > 0 }

    public init() {}

    /// The facts of an answer's text; empty ones when it is not an A1111 answer.
    public init(answer text: String?) {
        guard let text, let answer = try? JSONParser.parse(text) else {
            self.init()
            return
        }
        self.init(answer: answer)
    }

    public init(answer: JSONValue) {
        var info = answer["info"]
        if let text = info?.stringValue { info = try? JSONParser.parse(text) }
        guard let info, info.objectValue != nil else { return }
        allSeeds = (info["all_seeds"]?.arrayValue ?? []).map { WireCoding.integer($0) }
        subseed = info["subseed"].flatMap { WireCoding.integer($0) }
        subseedStrength = info["subseed_strength"]?.numberValue
        // A negative or absurd index (a damaged answer) is no grid.
        firstImage = max(0, info["index_of_first_image"].flatMap { WireCoding.integer($0) } ?? 0)
        described = info["infotexts"]?.arrayValue.map(\.count)
    }

    /// What the element at `index` of the answer's `images` is.
    public enum ImageKind: Equatable, Sendable {
        /// The batch's grid: not kept.
        case grid
        /// The n-th picture made (0-based), with its seed when `info` gives one.
        case picture(Int, seed: Int?)
        /// A ControlNet detected map.
        case controlMap
    }

    public func kind(ofImageAt index: Int) -> ImageKind {
        if index < firstImage { return .grid }
        if let described, index >= described { return .controlMap }
        let picture = index - firstImage
        return .picture(picture, seed: allSeeds.indices.contains(picture) ? allSeeds[picture] : nil)
    }
}

// What an A1111 answer kept in the history says beside its pictures (issue
// 20): the seeds its `info` gives (every picture's, and the variation seed),
// and whether the server put a grid of the batch first, which zqt does not
// keep (TaskFamily's A1111 reading starts at `index_of_first_image`). Read
// from the answer's text as the history keeps it; `info` may be JSON text
// (as A1111 sends it) or already an object (as zqt keeps it).

public struct A1111AnswerFacts: Sendable, Equatable {
    /// `info.all_seeds`, in the pictures' order.
    public var seeds: [Int] = []
    /// `info.subseed` and `info.subseed_strength`: the variation seed and how much of it was used.
    public var subseed: Int?
    public var subseedStrength: Double?
    /// The answer's first image was the batch's grid, left out of the pictures kept.
    public var gridLeftOut = false

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
        seeds = (info["all_seeds"]?.arrayValue ?? []).compactMap { WireCoding.integer($0) }
        subseed = info["subseed"].flatMap { WireCoding.integer($0) }
        subseedStrength = info["subseed_strength"]?.numberValue
        let first = info["index_of_first_image"].flatMap { WireCoding.integer($0) } ?? 0
        gridLeftOut = first > 0
    }
}

// Pictures are decoded off the event loop, never while a frame is drawn
// (issue 16): a frame that would show one not decoded yet draws a
// placeholder and names it (Grid.picturesWanted); it is asked for once
// (Effect.decodePictures), and its answer (.picturesDecoded) brings the
// frame that draws it.

enum PictureDecodingReducer {
    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case let .picturesWanted(paths):
            var asked: [String] = []
            for path in paths where !state.view.picturesDecoding.contains(path) && !asked.contains(path) { asked.append(path) }
            guard !asked.isEmpty else { return [] }
            state.view.picturesDecoding.formUnion(asked)
            return [.decodePictures(asked)]
        case let .picturesDecoded(paths):
            state.view.picturesDecoding.subtract(paths)
            return []
        default:
            return []
        }
    }
}

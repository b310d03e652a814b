// What can happen to the app (actions, in) and what the app asks the world
// to do (effects, out). The effect runner performs effects and feeds their
// results back as actions; the reducer never touches the network or disk.

import Model

enum Action: Sendable {
    case key(Key)
    /// Text that arrived in one burst (a paste), inserted as it is.
    case paste(String)
    case resize(Size)
    /// The spinner's clock; only runs while something is in flight.
    case tick
    case submitFinished(request: SDRequest, result: Result<Submission, APIError>)
    case poll(idTask: String, PollEvent)
    case pollEnded(idTask: String, error: APIError?)
    case modelsLoaded([String])
    case editorFinished(FieldID, text: String?, error: String?)
}

enum Effect: Equatable, Sendable {
    case submit(SDRequest, Endpoint)
    case track(idTask: String)
    case loadModels
    case openEditor(FieldID, text: String)
    case quit
}

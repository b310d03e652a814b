// What a frame derives from the request (its preview's lines, its
// problems), kept for the request's revision (issue 18): keys typed into a
// large field whose request is brought up to date on a coalesced tick
// (Reducer.readTextLater) draw frames over the same request, and
// a URL list of ten thousand lines is laid out and validated once per
// change, not once per frame. One value is kept per use: the last request's.

import Model
import Synchronization

final class RequestDerived<Value: Sendable>: Sendable {
    private let kept = Mutex<(revision: Int, value: Value)?>(nil)
    private let derive: @Sendable (Request) -> Value

    init(_ derive: @escaping @Sendable (Request) -> Value) {
        self.derive = derive
    }

    /// The value for this request: the kept one when the request is the same
    /// revision, else derived now (outside the lock) and kept.
    func callAsFunction(_ request: Request) -> Value {
        if let kept = kept.withLock({ $0 }), kept.revision == request.revision { return kept.value }
        let value = derive(request)
        kept.withLock { $0 = (request.revision, value) }
        return value
    }
}

extension PreviewDocument {
    /// The preview of a request, printed once per revision.
    static let ofRequest = RequestDerived { PreviewDocument($0.wireValue) }
}

extension RequestValidator {
    /// The request's problems, checked once per revision.
    static let ofRequest = RequestDerived { RequestValidator.validate($0) }
}

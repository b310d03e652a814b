// What a frame derives from the request (its preview's lines, its
// problems), kept for the request's revision (issue 18): keys typed into a
// large field whose request is brought up to date on a coalesced tick
// (Reducer.readTextLater) draw frames over the same request, and
// a URL list of ten thousand lines is laid out and validated once per
// change, not once per frame. One value is kept per use: the last request's.

import Model
import Synchronization

final class RequestDerived<Key: Equatable & Sendable, Value: Sendable>: Sendable {
    private struct Revised: Equatable, Sendable {
        let revision: Int
        let key: Key
    }
    private let kept = KeptLast<Revised, Value>()
    private let derive: @Sendable (Request, Key) -> Value

    init(_ derive: @escaping @Sendable (Request, Key) -> Value) {
        self.derive = derive
    }

    /// The value for this request and key: the kept one when the request is
    /// the same revision and the key the same, else derived now and kept.
    func callAsFunction(_ request: Request, _ key: Key) -> Value {
        kept.value(for: Revised(revision: request.revision, key: key)) { derive(request, key) }
    }
}

/// The key of a value derived from the request alone.
struct OnlyTheRequest: Equatable, Sendable {}

extension RequestDerived where Key == OnlyTheRequest {
    convenience init(_ derive: @escaping @Sendable (Request) -> Value) {
        self.init { request, _ in derive(request) }
    }

    func callAsFunction(_ request: Request) -> Value { self(request, OnlyTheRequest()) }
}

extension PreviewDocument {
    /// The preview of a request, printed once per revision, with the rows
    /// kept of the document made before it where its long lines are the same (fartype18).
    static let ofRequest = RequestDerived { PreviewDocument.carryingFromLast(PreviewDocument($0.wireValue)) }

    /// The text being typed into a field, over the request it is not read into yet.
    struct Typing: Equatable, Sendable {
        let buffer: TextBuffer
        let path: String

        /// Kept without the edit's wrapped lines: this key outlives the frame
        /// (it and the document made from it are kept until the next key), and
        /// while it shared those lines the next key's mending copied all of
        /// them (twenty thousand for a megabyte prompt, issue 18).
        init(buffer: TextBuffer, path: String) {
            self.buffer = buffer.withoutLayout
            self.path = path
        }

        /// The same text (a buffer's revision never repeats) in the same field.
        static func == (lhs: Typing, rhs: Typing) -> Bool { lhs.buffer.revision == rhs.buffer.revision && lhs.path == rhs.path }
    }

    /// The preview of a request showing the text being typed, made once per
    /// key, not once per frame or per look (a frame and a `]` each ask for
    /// it), with the rows kept of the document made before it (fartype18).
    static let ofTyping = RequestDerived<Typing, PreviewDocument> { request, typing in
        PreviewDocument.carryingFromLast(ofRequest(request).showingTyping(typing.buffer, at: typing.path))
    }
}

extension LocalImageFields {
    /// The request's problems, its local files' among them (AppState.problems),
    /// checked once per revision and files known: every frame counts them.
    static let problemsOfRequest = RequestDerived<[String: LocalFileState], [ValidationProblem]> { request, files in
        LocalImageFields.problems(request, validated: RequestValidator.validate(request), files: files)
    }

    /// The local paths the preview notes under the JSON, once per revision.
    static let localPathsOfRequest = RequestDerived { LocalImageFields.localPaths(in: $0) }
}

extension FieldValues {
    private static let shownTexts = Mutex<(revision: Int, texts: [FieldID: String])>((0, [:]))

    /// What a field not being edited shows, printed once per request
    /// revision: the form draws a few lines of it on every frame.
    static func shownText(of id: FieldID, in request: Request) -> String {
        if let text = shownTexts.withLock({ $0.revision == request.revision ? $0.texts[id] : nil }) { return text }
        let text = text(of: id, in: request)
        shownTexts.withLock { kept in
            if kept.revision != request.revision { kept = (request.revision, [:]) }
            kept.texts[id] = text
        }
        return text
    }
}

extension FormSchema {
    /// What the form on screen is besides its request: the unit open, and the lists its choices offer.
    struct FormOf: Equatable, Sendable {
        let openItem: ItemRef?
        let lists: ModelLists
    }

    /// The fields of the form on screen (AppState.fields): the request's, or
    /// the open unit's. Kept for the request's revision: a key and its frame
    /// asked for them four or five times, each building every field anew (keyp19, issue 18).
    static let fieldsOfForm = RequestDerived<FormOf, [FormField]> { request, form in
        if let open = form.openItem, let field = request.endpoint.field(at: open.group), field.groupSpec != nil,
           request.items(of: field).indices.contains(open.index) {
            return FormSchema.itemFields(field, index: open.index, in: request, lists: form.lists)
        }
        return FormSchema.mainFields(request, lists: form.lists)
    }
}

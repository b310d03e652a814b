// What a cell means, not how it looks: the backend maps each role to colours
// on a colour terminal and to bold/reverse/underline on a monochrome one.

enum Style: UInt8, Sendable, CaseIterable {
    case normal
    case dim
    case title
    case sandbox
    case label
    case focusedLabel
    case value
    case editing
    case invalid
    case border
    case keyHint
    case status
    case statusError
    case statusOK
    case selection
    case jsonKey
    case jsonString
    case jsonNumber
    case jsonLiteral
    case jsonPunctuation
    case jsonHighlight
    case sliderFill
    case overlay
    /// A cell of a picture drawn in block symbols: its colours are the cell's own (Cell.picture).
    case picture
    /// A prompt's attention brackets and weights, `(x:1.2)`, `[x]` (issue 19).
    case attention
    /// An extra network in a prompt, `<lora:NAME:0.8>`.
    case network
    /// A bracket with no partner.
    case unbalanced
}

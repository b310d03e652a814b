// Where each part of the screen goes: a pure function of the terminal size
// and one view flag. At 120 columns and wider the form and the JSON preview
// sit side by side; from 80 to 119 one of them fills the body (F3 or v
// switches); below 80×24 the screen says it is too small.

struct Regions: Equatable {
    var title: Rect
    var form: Rect
    /// nil when hidden (narrow terminal showing the form).
    var preview: Rect?
    var status: Rect
    var footer: Rect
    var isNarrow: Bool
    /// The results pane (issue 11), when a task's images are shown: under
    /// the JSON preview beside the form on wide terminals, under the form
    /// (or the JSON) on narrow ones.
    var results: Rect?
}

enum Layout {
    static let minimum = Size(width: 80, height: 24)
    static let sideBySideWidth = 120
    /// Label column of the form.
    static let labelWidth = 20

    static func isTooSmall(_ size: Size) -> Bool {
        size.width < minimum.width || size.height < minimum.height
    }

    /// The results pane's share of the body's height, at least `resultsMinimum` rows.
    static let resultsShare = 45, resultsMinimum = 8

    static func regions(for size: Size, showPreview: Bool, results: Bool = false) -> Regions {
        var regions = regions(for: size, showPreview: showPreview)
        guard results else { return regions }
        let body = regions.preview ?? regions.form
        let height = min(body.height - 4, max(resultsMinimum, body.height * resultsShare / 100))
        guard height >= resultsMinimum else { return regions }
        let pane = Rect(x: body.x, y: body.maxY - height, width: body.width, height: height)
        regions.results = pane
        if regions.isNarrow {
            regions.form.height -= height
            regions.preview?.height -= height
        } else {
            regions.preview?.height -= height
        }
        return regions
    }

    private static func regions(for size: Size, showPreview: Bool) -> Regions {
        let bodyY = 1
        let bodyHeight = max(0, size.height - 3)
        let title = Rect(x: 0, y: 0, width: size.width, height: 1)
        let status = Rect(x: 0, y: size.height - 2, width: size.width, height: 1)
        let footer = Rect(x: 0, y: size.height - 1, width: size.width, height: 1)
        if size.width >= sideBySideWidth {
            let formWidth = max(62, size.width * 52 / 100)
            return Regions(title: title,
                           form: Rect(x: 0, y: bodyY, width: formWidth, height: bodyHeight),
                           preview: Rect(x: formWidth + 1, y: bodyY, width: size.width - formWidth - 1, height: bodyHeight),
                           status: status, footer: footer, isNarrow: false)
        }
        let body = Rect(x: 0, y: bodyY, width: size.width, height: bodyHeight)
        return Regions(title: title, form: body, preview: showPreview ? body : nil,
                       status: status, footer: footer, isNarrow: true)
    }
}

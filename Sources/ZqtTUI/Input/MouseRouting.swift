// From a mouse event and what the last frame drew to what it does (issue 19).
// Only a left press and the wheel do anything; a release, motion and the
// other buttons do nothing, and so does a click with Shift (the terminal
// keeps Shift for its own selection; one that passes it on means it so).

enum PointerInput: Equatable, Sendable {
    /// A click, and where inside its target it landed.
    case click(MouseTarget, at: PointerSpot = PointerSpot())
    case wheel(MouseTarget, down: Bool)
}

enum MouseRouting {
    static func input(for event: MouseEvent, in areas: [HitArea]) -> PointerInput? {
        guard event.pressed, !event.motion, !event.shift, let target = Grid.target(at: event.x, event.y, in: areas) else { return nil }
        switch event.button {
        case .left: return .click(target, at: Grid.spot(at: event.x, event.y, in: areas) ?? PointerSpot())
        case .wheelUp: return .wheel(target, down: false)
        case .wheelDown: return .wheel(target, down: true)
        default: return nil
        }
    }
}

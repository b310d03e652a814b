// Where a picture can go (issue 17, "use as…"): every image field of an
// endpoint, read from its catalog entry, never named in Swift. An image
// field is a URL field (a callback URL aside), a URL list (a picture is
// appended), or a field with the input-image role; a repeated group's item
// field of either kind takes the picture in a new item (a ControlNet
// unit's control image).

/// One place of an endpoint that takes a picture.
public struct ImageInput: Sendable, Equatable {
    public enum Place: Sendable, Equatable {
        /// A URL field at this wire path: the picture replaces its value.
        case field(String)
        /// A URL list at this wire path: the picture is appended.
        case list(String)
        /// A new item of the group at `group` with the picture at its key `key`.
        case newItem(group: String, key: String)
    }

    public let place: Place
    /// The field's label ("Target image"); for a group, the item field's.
    public let label: String
    /// For a group: what one item is called ("ControlNet unit").
    public let itemTitle: String?

    /// The wire path of a field or list (nil for a group's new item).
    public var fieldPath: String? {
        switch place {
        case let .field(path), let .list(path): return path
        case .newItem: return nil
        }
    }

    public init(place: Place, label: String, itemTitle: String? = nil) {
        self.place = place
        self.label = label
        self.itemTitle = itemTitle
    }
}

extension FieldSpec {
    /// Whether the field takes a picture (a URL, a URL list, or the input image's role).
    public var takesImage: Bool {
        guard role != .callback else { return false }
        switch kind {
        case .url, .urlList: return true
        default: return role == .inputImage
        }
    }
}

extension Endpoint {
    /// The endpoint's image fields in form order, a group's after its own.
    public var imageInputs: [ImageInput] {
        var inputs: [ImageInput] = []
        for field in formFields where !field.kind.isVirtual {
            if let group = field.groupSpec {
                for item in group.formFields where item.takesImage {
                    inputs.append(ImageInput(place: .newItem(group: field.path, key: item.path), label: item.label,
                                             itemTitle: group.itemTitle))
                }
            } else if field.takesImage {
                if case .urlList = field.kind {
                    inputs.append(ImageInput(place: .list(field.path), label: field.label))
                } else {
                    inputs.append(ImageInput(place: .field(field.path), label: field.label))
                }
            }
        }
        return inputs
    }
}

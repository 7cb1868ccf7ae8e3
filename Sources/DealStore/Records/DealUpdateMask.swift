import SwiftProtobuf

/// An update's `update_mask`, checked against the record's message and merged with swift-protobuf's `FieldMask`
/// support, under the protocol's rules (PROTOCOL.md, "update_mask"):
///
/// - paths are proto field names; a field inside a singular message is `parent.child` (`amount.units`); a path
///   the message does not have is refused with INVALID_ARGUMENT naming it (`update_mask[2]`), and so is one of the
///   record's fixed fields (its id, its meta, what only the store writes);
/// - an empty mask names every field but the fixed ones: the request replaces the record;
/// - a named field that the request leaves unset is cleared, and a repeated or map field is replaced whole.
///
/// swift-protobuf's merge differs from these rules in two ways, both handled here: it appends repeated fields
/// unless told to replace them, and it leaves a named message field that the source lacks as it was (protobuf's
/// reference behaviour), where the protocol clears it. A top-level message is cleared after the merge; a nested
/// path that names an unset message is refused, since clearing it would need the names of its parent's fields.
struct DealUpdateMask<Record: SwiftProtobuf.Message & _ProtoNameProviding & Equatable> {
    /// The validated paths (every updatable field for an empty mask).
    let mask: Google_Protobuf_FieldMask

    /// Checks `paths` against `Record`; `fixed` maps the fields no mask may name to the reason why.
    init(_ paths: [String], fixed: [String: String], what: String) throws(DealStoreError) {
        if paths.isEmpty {
            self.mask = Google_Protobuf_FieldMask(protoPaths: Self.updatableFields(fixed: fixed))
            return
        }
        for (index, path) in paths.enumerated() {
            try Self.check(path, field: "update_mask[\(index)]", fixed: fixed, what: what)
        }
        self.mask = Google_Protobuf_FieldMask(protoPaths: paths)
    }

    /// Every top-level field of `Record` but the fixed ones, in field-number order.
    static func updatableFields(fixed: [String: String]) -> [String] {
        Google_Protobuf_FieldMask(allFieldsOf: Record.self).paths.filter { fixed[$0] == nil }
    }

    private static func check(
        _ path: String,
        field: String,
        fixed: [String: String],
        what: String
    ) throws(DealStoreError) {
        let top = String(path.prefix { $0 != "." })
        if let reason = fixed[top] {
            throw .invalid(field, "'\(path)' cannot be updated: \(reason)")
        }
        if Google_Protobuf_FieldMask(protoPaths: [path]).isValid(for: Record.self) { return }
        if top != path && Google_Protobuf_FieldMask(protoPaths: [top]).isValid(for: Record.self) {
            throw .invalid(
                field,
                "'\(path)' is not a field path of a \(what): a path goes down through singular message fields "
                    + "only (lists, maps and scalars are replaced whole); name '\(top)' to replace it"
            )
        }
        let names = Self.updatableFields(fixed: fixed).sorted().joined(separator: ", ")
        throw .invalid(
            field,
            "'\(path)' is not a field of a \(what); name fields by their proto names (snake_case, "
                + "'parent.child' for a field inside a message): \(names)"
        )
    }

    private static var replacing: Google_Protobuf_FieldMask.MergeOptions {
        var options = Google_Protobuf_FieldMask.MergeOptions()
        options.replaceRepeatedFields = true
        return options
    }

    /// `record`'s values at `mask`'s paths, nothing else.
    private static func values(of record: Record, at mask: Google_Protobuf_FieldMask) throws(DealStoreError) -> Record {
        var values = Record()
        do {
            try values.merge(from: record, fieldMask: mask, mergeOption: Self.replacing)
        } catch {
            throw DealStoreError(code: .internal, message: "cannot merge the update's fields", cause: error)
        }
        return values
    }

    /// Sets the fields of `stored` that the mask names to their values in `change` (cleared where `change` leaves
    /// them unset).
    func merge(_ change: Record, into stored: inout Record) throws(DealStoreError) {
        do {
            try stored.merge(from: change, fieldMask: self.mask, mergeOption: Self.replacing)
        } catch {
            throw DealStoreError(code: .internal, message: "cannot merge the update's fields", cause: error)
        }
        // Usually the merged record now holds the change's values at every path; where it does not, a named
        // message that the change leaves unset kept its old value (see the type's documentation).
        guard try Self.values(of: change, at: self.mask) != Self.values(of: stored, at: self.mask) else { return }
        var cleared: Set<String> = []
        for (index, path) in self.mask.paths.enumerated() {
            let one = Google_Protobuf_FieldMask(protoPaths: [path])
            if try Self.values(of: change, at: one) == Self.values(of: stored, at: one) { continue }
            if path.contains(".") {
                let top = String(path.prefix { $0 != "." })
                throw .invalid(
                    "update_mask[\(index)]",
                    "'\(path)' names a message the request leaves unset, and a nested path cannot clear a "
                        + "message: give it a value, or name '\(top)' to replace the whole '\(top)'"
                )
            }
            cleared.insert(path)
        }
        let kept = Google_Protobuf_FieldMask(allFieldsOf: Record.self).paths.filter { !cleared.contains($0) }
        stored.trim(keeping: Google_Protobuf_FieldMask(protoPaths: kept))
    }
}

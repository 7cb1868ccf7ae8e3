public import SwiftProtobuf

/// One write to the store as a value: a create, update or delete of a deal or an organization, or a merge of
/// organizations; `Record` is the kind of record it writes.
///
/// Every write the store takes goes through ``DealStore/write(_:answer:executor:completion:)`` (or its `async`
/// form): the same body validates the request against the store's state and emits the change, so the same bad
/// input gets the same error whichever API carried it, and a cluster replica runs the very same body against its
/// scratch state (see "One write path" in ``DealStore``). The typed methods (``DealStore/createDeal(_:validateOnly:)``,
/// ``DealStore/updateOrganization(_:updateMask:expectedEtag:executor:completion:)``…) are one-line wrappers over it.
///
/// ```swift
/// let bytes = try await store.write(.createDeal(deal), answer: .serialized)
/// ```
public struct DealWrite<Record: Sendable>: Sendable {
    /// The write's body: run under the state lock (on a replica, against a scratch copy of the state); validates,
    /// emits the changes into the batch and returns the record as written.
    typealias Body =
        @Sendable (inout DealStoreState, inout DealWriteBatch) throws(DealStoreError) -> DealWritten<Record>

    /// Builds the body, on the caller's thread before the lock is taken, so that a write can do its lock-free part
    /// first (a create validates and encodes its deal off the lock, see ``DealPreparedDeal``).
    let makeBody: @Sendable (DealStore) -> Body

    init(makeBody: @escaping @Sendable (DealStore) -> Body) {
        self.makeBody = makeBody
    }

    init(_ body: @escaping Body) {
        self.makeBody = { _ in body }
    }
}

/// What a write did: the record as it was written, and the revision of the write.
public struct DealWritten<Record: Sendable>: Sendable {
    /// The record as stored, meta included; as it would be stored (without meta) for a validate-only write; the
    /// record as it was before for a delete.
    public var record: Record
    /// The revision of the write's last change; 0 when nothing was written (validate-only).
    public var revision: UInt64
    /// The stored record in protobuf binary form when the write serialized it under the lock (deal creates and
    /// updates: the bytes that were logged and stored); empty when it did not.
    var bytes: [UInt8]

    init(record: Record, revision: UInt64, bytes: [UInt8] = []) {
        self.record = record
        self.revision = revision
        self.bytes = bytes
    }
}

/// What the caller of a write needs back: the record, its serialized bytes, the revision, or all of it.
///
/// The answer is extracted from the ``DealWritten`` value once the write is durable, on the completing thread and
/// off the store's lock: a server that asks for ``serialized`` gets the very bytes that were logged for a deal (no
/// second encoding), and nobody pays for an answer they did not ask for.
public struct DealWriteAnswer<Record: Sendable, Value: Sendable>: Sendable {
    let extract: @Sendable (DealWritten<Record>) throws(DealStoreError) -> Value

    init(_ extract: @escaping @Sendable (DealWritten<Record>) throws(DealStoreError) -> Value) {
        self.extract = extract
    }
}

extension DealWriteAnswer where Value == Record {
    /// The record as written (see ``DealWritten/record``).
    public static var record: Self { Self { $0.record } }
}

extension DealWriteAnswer where Value == UInt64 {
    /// The revision of the write (see ``DealWritten/revision``).
    public static var revision: Self { Self { $0.revision } }
}

extension DealWriteAnswer where Value == DealWritten<Record> {
    /// Everything: the record and the revision.
    public static var written: Self { Self { $0 } }
}

extension DealWriteAnswer where Record: SwiftProtobuf.Message, Value == [UInt8] {
    /// The record in protobuf binary form: for a deal create or update the bytes that were logged and stored;
    /// otherwise encoded now, off the store's lock.
    public static var serialized: Self {
        Self { (written) throws(DealStoreError) -> [UInt8] in try written.serialized() }
    }
}

extension DealWritten where Record: SwiftProtobuf.Message {
    /// The record in protobuf binary form (see ``DealWriteAnswer/serialized``).
    func serialized() throws(DealStoreError) -> [UInt8] {
        if !self.bytes.isEmpty { return self.bytes }
        do {
            return try self.record.serializedBytes()
        } catch {
            throw DealStoreError(code: .internal, message: "cannot encode the written record", cause: error)
        }
    }
}

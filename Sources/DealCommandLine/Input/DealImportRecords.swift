public import DealModel

/// The records of an import as the async sequence the client streams, reporting each record as it is sent.
public struct DealImportRecords: AsyncSequence, Sendable {
    public typealias Element = Dealstore_V1_DealRecord

    let records: [Dealstore_V1_DealRecord]
    let onSend: @Sendable (Int) -> Void

    /// Creates the sequence; `onSend` receives the count of records handed to the transport so far.
    public init(_ records: [Dealstore_V1_DealRecord], onSend: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.records = records
        self.onSend = onSend
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(records: self.records, onSend: self.onSend)
    }

    /// Yields the records in order.
    public struct Iterator: AsyncIteratorProtocol {
        let records: [Dealstore_V1_DealRecord]
        let onSend: @Sendable (Int) -> Void
        var index = 0

        public mutating func next() async -> Dealstore_V1_DealRecord? {
            guard self.index < self.records.count else { return nil }
            let record = self.records[self.index]
            self.index += 1
            self.onSend(self.index)
            return record
        }
    }
}

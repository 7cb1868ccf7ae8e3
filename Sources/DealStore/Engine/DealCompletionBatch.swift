/// The completions of one commit batch that were submitted with the same ``DealCompletionExecutor``.
///
/// Every completion of a batch shares one outcome: the batch's records reached the log per the fsync policy, or the
/// write or `fdatasync` failed and every call of the batch fails with that error.
public struct DealCompletionBatch: Sendable {
    let completions: [@Sendable (DealStoreError?) -> Void]
    /// `nil` when the batch is durable; otherwise the error every call of the batch fails with.
    public let error: DealStoreError?

    init(completions: [@Sendable (DealStoreError?) -> Void], error: DealStoreError?) {
        self.completions = completions
        self.error = error
    }

    /// How many calls the batch completes.
    public var count: Int { self.completions.count }

    /// Runs every completion, in commit order, on the calling thread.
    public func run() {
        for completion in self.completions { completion(self.error) }
    }
}

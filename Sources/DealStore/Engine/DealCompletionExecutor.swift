/// Where the store runs the completions of durable writes, so that a server hops to each of its threads once per
/// commit batch rather than once per call.
///
/// Pass one to a write (for example ``DealStore/write(_:answer:executor:completion:)``). After
/// each group commit the committer thread hands every executor that has writes in the batch one
/// ``DealCompletionBatch`` holding their completions, in commit order; the executor runs them where it likes
/// (a SwiftNIO server: one `execute` on the event loop). Completions are grouped by the executor's identity, so use
/// one long-lived instance per target thread.
public protocol DealCompletionExecutor: AnyObject, Sendable {
    /// Called on the committer thread; must not block (it holds up the next group commit). Run `batch` soon, once.
    func enqueue(_ batch: DealCompletionBatch)
}

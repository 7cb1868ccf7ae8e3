extension DealStore {
    /// Runs `write` and answers with what `answer` extracts from it, once the write is durable and published.
    ///
    /// The one write path: every typed write method is a wrapper over this one. `completion` runs once: on the
    /// caller's thread when nothing was written (a refusal, a validate-only call, a write to a closed or read-only
    /// store); otherwise, once the write's log records are durable and the version holding them is published to
    /// readers, through `executor` with the rest of its commit batch when one is given (one hop per batch, see
    /// ``DealCompletionExecutor``) and on the store's committer thread when not: hop to your own executor from
    /// there. On a replica store the write is appended to the system of record instead (see ``isReplica``).
    ///
    /// Errors are ``DealStoreError``s whose messages name what was wrong and what to do: the same input gets the
    /// same error whichever wrapper carried it.
    public func write<Record: Sendable, Answer: Sendable>(
        _ write: DealWrite<Record>,
        answer: DealWriteAnswer<Record, Answer>,
        executor: (any DealCompletionExecutor)? = nil,
        completion: @escaping @Sendable (Result<Answer, DealStoreError>) -> Void
    ) {
        self.submit(executor: executor, write.makeBody(self)) { result in
            switch result {
            case .success(let written):
                do throws(DealStoreError) {
                    completion(.success(try answer.extract(written)))
                } catch {
                    completion(.failure(error))
                }
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }

    /// Runs `write` and returns what `answer` extracts from it once the write is durable and published; see
    /// ``write(_:answer:executor:completion:)``.
    public func write<Record: Sendable, Answer: Sendable>(
        _ write: DealWrite<Record>,
        answer: DealWriteAnswer<Record, Answer>
    ) async throws(DealStoreError) -> Answer {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Answer, DealStoreError>, Never>) in
            self.write(write, answer: answer) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }
}

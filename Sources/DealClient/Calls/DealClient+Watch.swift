extension DealClient {
    /// Subscribes to every change after `fromRevision` (0: from now on) and returns once the server says the
    /// subscription is established, so a write made after this returns is always delivered.
    ///
    /// ```swift
    /// let watch = try await client.watch()
    /// _ = try await client.createDeal(deal)   // delivered: the watch is already live
    /// for try await change in watch {
    ///     print(change.revision, change.kind)
    /// }
    /// ```
    ///
    /// The watch resumes by itself after a dropped connection or a server restart (see ``DealWatch``). Organization
    /// changes are included only with `includeOrganizations`. ``DealClientConfiguration/defaultCallTimeout`` does
    /// not apply; a timeout in `options` ends the watch with DEADLINE_EXCEEDED.
    public func watch(
        fromRevision: UInt64 = 0,
        includeOrganizations: Bool = false,
        options: DealCallOptions = DealCallOptions()
    ) async throws(DealRPCError) -> DealWatch {
        try await DealWatch.open(
            client: self,
            fromRevision: fromRevision,
            includeOrganizations: includeOrganizations,
            options: options
        )
    }
}

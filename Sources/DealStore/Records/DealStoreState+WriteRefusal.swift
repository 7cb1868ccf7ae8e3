extension DealStoreState {
    /// Why this state takes no writes now, or `nil` when it does: checked by the local and the replica backend
    /// alike, so both refuse with the same error.
    var writeRefusal: DealStoreError? {
        if self.closed { return .storeClosed }
        if case .readOnly(let reason) = self.health { return .storeReadOnly(reason) }
        return nil
    }
}

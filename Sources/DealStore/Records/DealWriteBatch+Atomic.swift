import DealModel

extension DealWriteBatch {
    /// Marks every change of a write that made several as one atomic change: each event gets
    /// `batch_last_revision` (the write's last revision), in its log record, in the in-memory change history and in
    /// the collected events, so that recovery replays the write whole or not at all (``DealRecovery``) and a
    /// watcher can tell the events belong together.
    ///
    /// Why a field on each event rather than a new record kind or a batch frame: the log's frame format, every reader
    /// of it (recovery, the history reader, `dealsd check`) and the logs written before stay as they are; a record
    /// without the field is a write of its own, as every record was. The field (number 250, a varint) is appended to
    /// each serialized event, which is where protobuf's serializer puts the highest-numbered field, so the record is
    /// byte for byte what `event.serializedBytes()` gives; each frame's CRC is computed again.
    ///
    /// Runs under the state lock after the write's body, only for writes of two changes or more (a merge, an import
    /// batch): single writes, the common case, pay nothing.
    mutating func markAtomic(state: inout DealStoreState) {
        guard self.count > 1 else { return }
        let last = self.lastRevision
        let first = last - UInt64(self.count - 1)
        var field: [UInt8] = []
        DealVarint.append(250 << 3, to: &field)
        DealVarint.append(last, to: &field)
        let scan = DealLogFrame.scan(self.frames)
        var frames: [UInt8] = []
        frames.reserveCapacity(self.frames.count + scan.frames.count * (DealLogFrame.headerSize + field.count))
        for range in scan.frames {
            var payload = Array(self.frames[range])
            payload.append(contentsOf: field)
            DealLogFrame.append(payload, to: &frames)
        }
        self.frames = frames
        var index = state.history.endIndex
        while index > state.history.startIndex, state.history[index - 1].revision >= first {
            index -= 1
            state.history[index].batchLastRevision = last
        }
        for index in self.events.indices { self.events[index].batchLastRevision = last }
    }
}

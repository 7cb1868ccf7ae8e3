import DealModel
public import NIOCore

extension ByteBuffer {
    /// Writes `value` as a protobuf varint with DealModel's one writer (``DealVarint``), for encoders that build
    /// frames and responses by hand.
    ///
    /// - Returns: the number of bytes written, 1 through `DealVarint.maxSize`.
    @discardableResult
    public mutating func writeDealVarint(_ value: UInt64) -> Int {
        var written = 0
        DealVarint.forEachByte(of: value) { byte in
            self.writeInteger(byte)
            written += 1
        }
        return written
    }
}

/// A benchmark setup failure, with a message saying what to do.
struct DealBenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

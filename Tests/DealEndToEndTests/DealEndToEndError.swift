import DealTestSupport
/// A failure of the test harness itself: a binary not found, a process that did not start or finish in time.
struct DealEndToEndError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

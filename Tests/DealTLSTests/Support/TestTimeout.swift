import DealTLS
import NIOCore
import Synchronization

struct TestTimeout: Error, CustomStringConvertible {
    var what: String
    var snapshot: String
    var description: String { "timed out waiting for \(self.what); state: \(self.snapshot)" }
}

import DealTLS
import NIOCore
import NIOPosix
import Synchronization

final class ConnectionRegistry: Sendable {
    let logs = Mutex<[ConnectionLog]>([])
}

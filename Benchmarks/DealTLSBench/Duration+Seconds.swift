import DealTLS
import NIOCore
import NIOPosix

extension Duration {
    var seconds: Double {
        let parts = self.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

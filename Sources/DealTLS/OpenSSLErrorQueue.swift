import COpenSSL

/// Access to OpenSSL's per-thread error queue.
///
/// Every connection on an event loop shares one queue, so callers clear it before each OpenSSL call and drain it
/// right after a failure; otherwise one connection's stale errors would be blamed on another.
enum OpenSSLErrorQueue {
    /// Discards whatever earlier calls left behind.
    static func clear() {
        ERR_clear_error()
    }

    /// Removes and returns every queued error as OpenSSL's text (`error:0A000086:SSL routines::certificate ...`).
    static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 {
                break
            }
            var buffer = [CChar](repeating: 0, count: 256)
            let text = buffer.withUnsafeMutableBufferPointer { pointer in
                ERR_error_string_n(code, pointer.baseAddress, pointer.count)
                return String(cString: pointer.baseAddress!)
            }
            reasons.append(text)
        }
        return reasons
    }

    /// Drains the queue and joins it into one sentence for an error message.
    static func drainedDescription(fallback: String = "no further detail from OpenSSL") -> String {
        let reasons = self.drain()
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}

import DealTestSupport
import Foundation

/// Integers in `deals` JSON output: 64-bit fields are strings in the protobuf JSON mapping, 32-bit ones numbers.
enum DealJSONNumber {
    static func int64(_ value: Any?) -> Int64? {
        switch value {
        case let text as String: Int64(text)
        case let number as NSNumber: number.int64Value
        default: nil
        }
    }

    static func uint64(_ value: Any?) -> UInt64? {
        switch value {
        case let text as String: UInt64(text)
        case let number as NSNumber: number.uint64Value
        default: nil
        }
    }
}

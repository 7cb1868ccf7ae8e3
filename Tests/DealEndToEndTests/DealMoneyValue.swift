import DealTestSupport
import Foundation

/// An amount as `deals` prints it in JSON: the protobuf JSON mapping of `Money`, whose int64 `units` is a string.
struct DealMoneyValue: Equatable, Sendable, CustomStringConvertible {
    var currency: String
    var units: Int64
    var nanos: Int32 = 0

    init(_ currency: String, units: Int64, nanos: Int32 = 0) {
        self.currency = currency
        self.units = units
        self.nanos = nanos
    }

    /// Reads `{"currencyCode": "USD", "units": "4000000000", "nanos": 0}`; `nil` when `json` is not such an object.
    init?(json: Any?) {
        guard let object = json as? [String: Any], let currency = object["currencyCode"] as? String else {
            return nil
        }
        // The mapping writes int64 as a JSON string; accept a number too, as parsers must.
        let units: Int64?
        switch object["units"] {
        case let text as String: units = Int64(text)
        case let number as NSNumber: units = number.int64Value
        case nil: units = 0
        default: units = nil
        }
        guard let units else { return nil }
        self.currency = currency
        self.units = units
        self.nanos = (object["nanos"] as? NSNumber)?.int32Value ?? 0
    }

    var description: String {
        "\(self.currency) \(self.units)" + (self.nanos == 0 ? "" : String(format: ".%09d", self.nanos))
    }
}

/// Parses amounts the way people and the source articles write them into exact ``Dealstore_V1_Money``.
///
/// Accepted: a number with optional grouping (`4 000 000`, `4,000,000`, `4'000'000`), a decimal point or a French
/// decimal comma (`1.25`, `1,25`), an optional scale (`K`, `M`, `mn`, `B`, `bn`, `Md`, `T`, `thousand`, `million`,
/// `millions`, `billion`, `milliard(s)`, `trillion`) and an optional currency before or after (`$`, `US$`, `€`, `£`,
/// `¥`, an ISO 4217 code, `dollars`, `de dollars`, `euros`, `d'euros`, `livres`, `yens`). A single comma followed by
/// exactly three digits is a thousands separator (`1,250` is 1250); any other single comma is a decimal comma.
/// The arithmetic is exact decimal (never floating point); more than nine fractional digits of a unit is an error.
public struct DealMoneyParser: Sendable {
    /// The currency used when the input names none.
    public var defaultCurrency: String

    /// Creates a parser; amounts without a currency get `defaultCurrency`.
    public init(defaultCurrency: String = "USD") {
        self.defaultCurrency = defaultCurrency
    }

    /// The largest amount the store accepts, in whole units of a currency (10^15; see PROTOCOL.md, data
    /// conventions): larger amounts are refused here rather than sent to be refused.
    public static let maximumUnits: Int64 = 1_000_000_000_000_000

    static let tooLarge = "too large: the maximum is 1,000,000,000,000,000 (10^15, 1000T) units"

    /// The forms accepted, for error messages and help texts.
    public static let acceptedForms =
        "1.25B, $4bn, 300M, 2.75 billion, 4 000 000, €2.5M, 1.5B CHF, \"1,25 Md$\", \"10 milliards\", "
        + "\"300 millions\", \"2 milliards de dollars\""

    /// Parses `text` into an exact amount, or throws ``DealMoneyParseError`` naming the input and the accepted forms.
    public func parse(_ text: String) throws(DealMoneyParseError) -> Dealstore_V1_Money {
        let normalized = Self.normalize(text)
        let characters = Array(normalized)
        guard let numberStart = characters.firstIndex(where: { $0.isASCII && $0.isNumber }) else {
            throw DealMoneyParseError(input: text, reason: "no number")
        }
        var numberEnd = numberStart
        while numberEnd < characters.count, Self.isNumberCharacter(characters[numberEnd]) {
            numberEnd += 1
        }
        // The run may have swallowed a separator that belongs to the words after it ("300 millions").
        while numberEnd > numberStart, !(characters[numberEnd - 1].isASCII && characters[numberEnd - 1].isNumber) {
            numberEnd -= 1
        }
        let prefix = String(characters[..<numberStart])
        let numberText = String(characters[numberStart..<numberEnd])
        let suffix = String(characters[numberEnd...])

        var (mantissa, exponent) = try Self.parseNumber(numberText, input: text)
        var scale: Int?
        var currency: String?
        for token in try Self.tokens(prefix + " " + suffix, input: text) {
            switch token {
            case .scale(let power):
                guard scale == nil else {
                    throw DealMoneyParseError(input: text, reason: "more than one scale")
                }
                scale = power
            case .currency(let code):
                if let existing = currency, existing != code {
                    throw DealMoneyParseError(input: text, reason: "two currencies (\(existing) and \(code))")
                }
                currency = code
            }
        }
        exponent += scale ?? 0
        return try Self.money(
            mantissa: &mantissa,
            exponent: exponent,
            currency: currency ?? self.defaultCurrency,
            input: text
        )
    }

    private static func normalize(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            // No-break and narrow no-break spaces group thousands in French typography.
            case "\u{00A0}", "\u{202F}", "\u{2009}", "\t": result.append(" ")
            case "\u{2019}": result.append("'")
            default: result.append(character)
            }
        }
        // Foundation-free trimming, as the rest of the module.
        while let first = result.first, first.isWhitespace {
            result.removeFirst()
        }
        while let last = result.last, last.isWhitespace {
            result.removeLast()
        }
        return result
    }

    private static func isNumberCharacter(_ character: Character) -> Bool {
        (character.isASCII && character.isNumber) || character == "." || character == "," || character == " "
            || character == "'" || character == "_"
    }

    /// Splits a number into integer digits and a power of ten: "1,25" is (125, -2).
    private static func parseNumber(
        _ text: String,
        input: String
    ) throws(DealMoneyParseError) -> (mantissa: [UInt8], exponent: Int) {
        let dots = text.filter { $0 == "." }.count
        let commas = text.filter { $0 == "," }.count
        var decimalSeparator: Character?
        if dots > 0 && commas > 0 {
            // Both present: the last one is the decimal separator ("1,250.50" or "1.250,50").
            decimalSeparator = text.lastIndex(of: ".")! > text.lastIndex(of: ",")! ? "." : ","
        } else if dots == 1 {
            decimalSeparator = "."
        } else if commas == 1 {
            let afterComma = text[text.index(after: text.firstIndex(of: ",")!)...]
            decimalSeparator = afterComma.count == 3 && afterComma.allSatisfy(\.isNumber) ? nil : ","
        }
        var integerPart = text
        var fractionPart = ""
        if let separator = decimalSeparator {
            guard text.filter({ $0 == separator }).count == 1, let index = text.lastIndex(of: separator) else {
                throw DealMoneyParseError(input: input, reason: "malformed number \"\(text)\"")
            }
            integerPart = String(text[..<index])
            fractionPart = String(text[text.index(after: index)...])
        }
        let groups = integerPart.split(
            omittingEmptySubsequences: false,
            whereSeparator: { $0 == " " || $0 == "," || $0 == "." || $0 == "'" || $0 == "_" }
        )
        // Grouped digits come in threes after the first group: "4 000 000", not "4 00 0".
        for (position, group) in groups.enumerated() {
            let valid = position == 0 ? (1...(groups.count == 1 ? Int.max : 3)).contains(group.count) : group.count == 3
            guard valid, group.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw DealMoneyParseError(input: input, reason: "malformed number \"\(text)\"")
            }
        }
        guard fractionPart.allSatisfy({ $0.isASCII && $0.isNumber }), decimalSeparator == nil || !fractionPart.isEmpty
        else {
            throw DealMoneyParseError(input: input, reason: "malformed number \"\(text)\"")
        }
        let digits = (groups.joined() + fractionPart).compactMap { $0.asciiValue.map { $0 - 48 } }
        return (digits, -fractionPart.count)
    }

    private enum Token {
        case scale(Int)
        case currency(String)
    }

    private static let scaleWords: [String: Int] = [
        "k": 3, "thousand": 3, "thousands": 3, "mille": 3,
        "m": 6, "mn": 6, "mm": 6, "mio": 6, "million": 6, "millions": 6,
        "b": 9, "bn": 9, "bln": 9, "billion": 9, "billions": 9,
        "md": 9, "mds": 9, "mrd": 9, "mrds": 9, "milliard": 9, "milliards": 9,
        "t": 12, "tn": 12, "trillion": 12, "trillions": 12,
    ]

    private static let currencyWords: [String: String] = [
        "$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
        "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR",
        "pound": "GBP", "pounds": "GBP", "livre": "GBP", "livres": "GBP",
        "yen": "JPY", "yens": "JPY",
    ]

    private static let commonCodes: Set<String> = [
        "usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "cny", "inr", "krw", "sek", "nok", "dkk", "hkd", "sgd",
    ]

    /// Words that only join the others: "2 milliards de dollars", "10 milliards d'euros".
    private static let fillerWords: Set<String> = ["de", "d'", "of", "d"]

    private static func tokens(_ text: String, input: String) throws(DealMoneyParseError) -> [Token] {
        var words: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        for character in text {
            if character == " " {
                flush()
            } else if character == "$" || character == "€" || character == "£" || character == "¥" {
                // "US$" is one currency; any other symbol ends the word before it ("Md$" is "Md" and "$").
                if current.lowercased() == "us" && character == "$" {
                    current = ""
                    words.append("us$")
                } else {
                    flush()
                    words.append(String(character))
                }
            } else if character == "." && !current.isEmpty {
                // An abbreviation's period: "10 Mrd. €", "5 mln.".
                flush()
            } else if character == "'" {
                current.append(character)
                flush()
            } else if character.isLetter {
                current.append(character)
            } else {
                throw DealMoneyParseError(input: input, reason: "unexpected \"\(character)\"")
            }
        }
        flush()

        var tokens: [Token] = []
        for word in words {
            let lowered = word.lowercased()
            if Self.fillerWords.contains(lowered) {
                continue
            }
            if let power = Self.scaleWords[lowered] {
                tokens.append(.scale(power))
            } else if let code = Self.currencyWords[lowered] {
                tokens.append(.currency(code))
            } else if Self.commonCodes.contains(lowered)
                || (word.count == 3 && word.allSatisfy({ $0.isASCII && $0.isUppercase }))
            {
                // Any upper-case three-letter word is taken as an ISO 4217 code; lower case only for common ones,
                // so "12 abc" is refused rather than read as 12 ABC.
                tokens.append(.currency(word.uppercased()))
            } else {
                throw DealMoneyParseError(input: input, reason: "unknown word \"\(word)\"")
            }
        }
        return tokens
    }

    private static func money(
        mantissa: inout [UInt8],
        exponent: Int,
        currency: String,
        input: String
    ) throws(DealMoneyParseError) -> Dealstore_V1_Money {
        // value = mantissa × 10^exponent; split into whole units and nine fractional digits.
        var integerDigits: [UInt8]
        var fractionDigits: [UInt8]
        if exponent >= 0 {
            integerDigits = mantissa + Array(repeating: 0, count: exponent)
            fractionDigits = []
        } else {
            let fractionCount = -exponent
            if fractionCount > mantissa.count {
                mantissa = Array(repeating: 0, count: fractionCount - mantissa.count) + mantissa
            }
            integerDigits = Array(mantissa[..<(mantissa.count - fractionCount)])
            fractionDigits = Array(mantissa[(mantissa.count - fractionCount)...])
        }
        while let last = fractionDigits.last, last == 0 {
            fractionDigits.removeLast()
        }
        guard fractionDigits.count <= 9 else {
            throw DealMoneyParseError(input: input, reason: "more precision than a billionth of a unit")
        }
        fractionDigits += Array(repeating: 0, count: 9 - fractionDigits.count)
        // Checked against the store's maximum digit by digit, so no input (however many digits) can overflow.
        var units: Int64 = 0
        for digit in integerDigits {
            let (times, overflow1) = units.multipliedReportingOverflow(by: 10)
            let (plus, overflow2) = times.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2, plus <= Self.maximumUnits else {
                throw DealMoneyParseError(input: input, reason: Self.tooLarge)
            }
            units = plus
        }
        var nanos: Int32 = 0
        for digit in fractionDigits {
            nanos = nanos * 10 + Int32(digit)
        }
        var money = Dealstore_V1_Money()
        money.currencyCode = currency
        money.units = units
        money.nanos = nanos
        return money
    }
}

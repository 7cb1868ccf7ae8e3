extension DealMoney {
    /// Reads an amount written the way people write them (`"1.25B"`, `"€2.5M"`, `"1,25 Md$"`) with
    /// ``DealMoneyParser``; amounts that name no currency get `defaultCurrency`.
    public init(parsing text: String, defaultCurrency: String = "USD") throws(DealMoneyParseError) {
        self = try DealMoneyParser(defaultCurrency: defaultCurrency).parse(text)
    }

    /// The amount for people, as `deals` prints it: `$1.25B`, `€2.5M`, `1.5B CHF` (``DealMoneyFormatter``).
    public var formatted: String {
        DealMoneyFormatter.format(self)
    }

    /// The exact amount as a plain decimal (`1250000000`, `12.5`), without currency, for CSV and scripts.
    public var plainDecimal: String {
        DealMoneyFormatter.plainDecimal(self)
    }
}

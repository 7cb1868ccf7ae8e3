/// How the old, coarse `DealType` maps onto the separate stage, instrument and kind of a deal (issue 18).
///
/// `DealType` mixed what a round is (seed, venture), what the investors get (a convertible note, debt) and what
/// kind of transaction it is (an acquisition, a secondary). A deal stored before the new fields existed keeps its
/// `type`; readers take its stage, instrument and kind from this table when the deal sets none of them.
///
/// | DealType              | stage             | instrument         | kind        |
/// |-----------------------|-------------------|--------------------|-------------|
/// | UNSPECIFIED           | unspecified       | unspecified        | unspecified |
/// | SEED                  | SEED              | unspecified        | PRIMARY     |
/// | VENTURE               | VENTURE           | EQUITY             | PRIMARY     |
/// | CORPORATE_STRATEGIC   | unspecified       | EQUITY             | PRIMARY     |
/// | CONVERTIBLE_NOTE      | unspecified       | CONVERTIBLE_NOTE   | PRIMARY     |
/// | DEBT                  | unspecified       | DEBT               | PRIMARY     |
/// | ACQUISITION           | unspecified       | unspecified        | ACQUISITION |
/// | SECONDARY             | unspecified       | EQUITY             | SECONDARY   |
/// | GRANT                 | unspecified       | unspecified        | GRANT       |
/// | OTHER                 | unspecified       | unspecified        | OTHER       |
///
/// CORPORATE_STRATEGIC said who invested (a corporation), not the stage: the investor's type belongs to the
/// organization. A seed round's instrument is left open (seed money is often a SAFE, sometimes equity).
public enum DealTypeMapping {
    /// The stage, instrument kind and deal kind an old `DealType` stands for.
    public struct Standard: Sendable, Equatable {
        public var stage: Dealstore_V1_DealStage
        public var instrument: Dealstore_V1_InstrumentKind
        public var kind: Dealstore_V1_DealKind

        public init(
            stage: Dealstore_V1_DealStage,
            instrument: Dealstore_V1_InstrumentKind,
            kind: Dealstore_V1_DealKind
        ) {
            self.stage = stage
            self.instrument = instrument
            self.kind = kind
        }
    }

    /// The table above; an unknown raw value maps to nothing.
    public static func standard(for type: Dealstore_V1_DealType) -> Standard {
        switch type {
        case .seed: Standard(stage: .seed, instrument: .unspecified, kind: .primary)
        case .venture: Standard(stage: .venture, instrument: .equity, kind: .primary)
        case .corporateStrategic: Standard(stage: .unspecified, instrument: .equity, kind: .primary)
        case .convertibleNote: Standard(stage: .unspecified, instrument: .convertibleNote, kind: .primary)
        case .debt: Standard(stage: .unspecified, instrument: .debt, kind: .primary)
        case .acquisition: Standard(stage: .unspecified, instrument: .unspecified, kind: .acquisition)
        case .secondary: Standard(stage: .unspecified, instrument: .equity, kind: .secondary)
        case .grant: Standard(stage: .unspecified, instrument: .unspecified, kind: .grant)
        case .other: Standard(stage: .unspecified, instrument: .unspecified, kind: .other)
        case .unspecified, .UNRECOGNIZED: Standard(stage: .unspecified, instrument: .unspecified, kind: .unspecified)
        }
    }
}

extension Dealstore_V1_Deal {
    /// Whether the deal sets any of the separate type fields (stage, instrument, kind).
    public var hasStandardTypes: Bool {
        self.stage != .unspecified || self.hasInstrument || self.kind != .unspecified
    }

    /// The deal's stage, instrument kind and deal kind: its own fields when it sets any, otherwise what its old
    /// `type` maps to (``DealTypeMapping``).
    public var standardTypes: DealTypeMapping.Standard {
        if self.hasStandardTypes {
            return DealTypeMapping.Standard(stage: self.stage, instrument: self.instrument.kind, kind: self.kind)
        }
        return DealTypeMapping.standard(for: self.type)
    }
}

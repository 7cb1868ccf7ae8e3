import Foundation

/// A seeded random number generator (SplitMix64), so a run that used randomness is reproducible from its seed.
///
/// The system generator cannot be seeded; a test that draws random delays or inputs takes one of these from
/// ``logged(_:)``, which prints the seed, so a failure can be replayed with `DEAL_TEST_SEED=<seed>`.
public struct DealSeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator that replays exactly the numbers of every other generator made with `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// A generator seeded from `DEAL_TEST_SEED` when set, else from the system generator; prints which, naming
    /// `what` uses it.
    public static func logged(_ what: String) -> DealSeededRandom {
        let environment = ProcessInfo.processInfo.environment["DEAL_TEST_SEED"]
        let seed = environment.flatMap { UInt64($0) } ?? UInt64.random(in: .min ... .max)
        print("\(what): random seed \(seed) (rerun with DEAL_TEST_SEED=\(seed))")
        return DealSeededRandom(seed: seed)
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `numerator`/`denominator`.
    public mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        Int.random(in: 0..<denominator, using: &self) < numerator
    }

    /// One element of a non-empty array.
    public mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[Int.random(in: 0..<elements.count, using: &self)]
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

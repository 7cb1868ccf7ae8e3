/// xorshift64*: a few instructions per number, no locks, seeded per connection so runs are reproducible.
struct DealBenchRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    mutating func next() -> UInt64 {
        self.state ^= self.state >> 12
        self.state ^= self.state << 25
        self.state ^= self.state >> 27
        return self.state &* 0x2545_F491_4F6C_DD1D
    }

    /// A number below `bound` (> 0); the modulo bias is irrelevant at benchmark pool sizes.
    mutating func below(_ bound: Int) -> Int {
        Int(self.next() % UInt64(bound))
    }
}

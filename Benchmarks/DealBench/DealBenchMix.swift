import ArgumentParser

/// A weighted choice of operations, written `get` or `get=90,update=10`.
struct DealBenchMix: Sendable, CustomStringConvertible, ExpressibleByArgument {
    /// Each operation with its weight, in the order given.
    var parts: [(operation: DealBenchOperation, weight: Int)]

    init?(argument: String) {
        var parts: [(DealBenchOperation, Int)] = []
        for item in argument.split(separator: ",") {
            let pieces = item.split(separator: "=", maxSplits: 1)
            guard let operation = DealBenchOperation(rawValue: String(pieces[0])) else { return nil }
            let weight = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let weight, weight > 0 else { return nil }
            parts.append((operation, weight))
        }
        guard !parts.isEmpty else { return nil }
        self.parts = parts
    }

    var description: String {
        if self.parts.count == 1 { return self.parts[0].operation.rawValue }
        return self.parts.map { "\($0.operation.rawValue)=\($0.weight)" }.joined(separator: ",")
    }

    var operations: [DealBenchOperation] {
        self.parts.map(\.operation)
    }

    /// 256 slots filled in proportion to the weights, so picking an operation is one random byte.
    var slots: [DealBenchOperation] {
        let total = self.parts.reduce(0) { $0 + $1.weight }
        var slots: [DealBenchOperation] = []
        for (index, part) in self.parts.enumerated() {
            let count = index == self.parts.count - 1 ? 256 - slots.count : part.weight * 256 / total
            slots.append(contentsOf: repeatElement(part.operation, count: count))
        }
        return slots
    }
}

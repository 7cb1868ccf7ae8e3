/// The citations of one catalog source (report keys, ascending): one key held inline, or a sorted set.
///
/// Why not always a ``DealSortedIDs``: most sources are cited once (each article by the deal it reports), and a
/// set of one is two allocations (its node and the node's array), about 100 bytes, for each of a million
/// sources, and two of a restart's million-fold allocations.
enum DealCitationSet: Sendable, Equatable {
    case one(String)
    case many(DealSortedIDs)

    /// An empty set.
    init() { self = .many(DealSortedIDs()) }

    /// The set of `keys` (any order; repeats are kept once).
    init(_ keys: [String]) {
        self = keys.count == 1 ? .one(keys[0]) : .many(DealSortedIDs(keys))
    }

    var count: Int {
        switch self {
        case .one: 1
        case .many(let set): set.count
        }
    }

    var isEmpty: Bool { self.count == 0 }

    /// Inserts `key`; false when it was already there.
    @discardableResult
    mutating func insert(_ key: String) -> Bool {
        switch self {
        case .one(let held):
            if held == key { return false }
            self = .many(DealSortedIDs([held, key]))
            return true
        case .many(var set):
            if set.isEmpty {
                self = .one(key)
                return true
            }
            // Released first so that the set's nodes are uniquely referenced and change in place.
            self = .many(DealSortedIDs())
            let inserted = set.insert(key)
            self = .many(set)
            return inserted
        }
    }

    /// Removes `key`; false when it was not there.
    @discardableResult
    mutating func remove(_ key: String) -> Bool {
        switch self {
        case .one(let held):
            guard held == key else { return false }
            self = .many(DealSortedIDs())
            return true
        case .many(var set):
            self = .many(DealSortedIDs())
            let removed = set.remove(key)
            self = set.count == 1 ? .one(set.all[0]) : .many(set)
            return removed
        }
    }

    /// Calls `body` with each key greater than `after` (every key when nil), ascending, until it returns false.
    func forEach(after: String?, _ body: (String) -> Bool) {
        switch self {
        case .one(let key):
            if after.map({ key > $0 }) ?? true { _ = body(key) }
        case .many(let set):
            set.forEach(after: after, body)
        }
    }

    /// Every key, ascending.
    var all: [String] {
        switch self {
        case .one(let key): [key]
        case .many(let set): set.all
        }
    }

    /// Equal when they hold the same keys, whichever form holds them.
    static func == (a: DealCitationSet, b: DealCitationSet) -> Bool {
        a.count == b.count && a.all == b.all
    }
}

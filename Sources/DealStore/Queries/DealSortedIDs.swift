/// A persistent (immutable, structurally shared) sorted set of deal ids: a B+tree whose nodes are never changed
/// once built.
///
/// Why a tree of its own: the secondary indexes must be ordered (a ListDeals page in id order is the first
/// matches after the token's id, found without visiting every match), copied in O(1) when a version of the store is
/// taken, and changed in O(log n) without copying a table while readers hold older versions. swift-collections'
/// `TreeSet` is persistent but unordered, and its sorted collections are not a stable product in 1.6.0. An insert
/// or removal here copies one node per level (at most ``fanout`` ids or children each); everything else is shared
/// with the versions readers hold.
struct DealSortedIDs: Sendable, Equatable {
    /// The largest number of ids in a leaf and of children in an inner node.
    static let fanout = 64

    /// A node: a leaf holds ids in order; an inner node holds its children and, for each, the largest id below it.
    /// Only `let` properties of `Sendable` types, so it is `Sendable` without `@unchecked`.
    final class Node: Sendable {
        /// Leaf: the ids, ascending. Inner: the largest id of each child, ascending.
        let keys: [String]
        /// Empty for a leaf.
        let children: [Node]
        /// How many ids the subtree holds.
        let count: Int

        init(leaf keys: [String]) {
            self.keys = keys
            self.children = []
            self.count = keys.count
        }

        init(children: [Node]) {
            self.children = children
            self.keys = children.map { $0.keys.last! }
            self.count = children.reduce(0) { $0 + $1.count }
        }

        var isLeaf: Bool { self.children.isEmpty }
    }

    private var root: Node?

    init() {}

    /// Builds the set from ids already in ascending order without repeats (recovery's bulk path).
    init(sortedUnique ids: [String]) {
        guard !ids.isEmpty else { return }
        var level: [Node] = stride(from: 0, to: ids.count, by: Self.fanout).map { start in
            Node(leaf: Array(ids[start..<min(ids.count, start + Self.fanout)]))
        }
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: Self.fanout).map { start in
                Node(children: Array(level[start..<min(level.count, start + Self.fanout)]))
            }
        }
        self.root = level[0]
    }

    /// Builds the set from ids in any order (repeats are kept once).
    init(_ ids: [String]) {
        var sorted = ids
        if !Self.isStrictlyAscending(sorted) {
            sorted.sort()
            var unique: [String] = []
            unique.reserveCapacity(sorted.count)
            for id in sorted where unique.last != id { unique.append(id) }
            sorted = unique
        }
        self.init(sortedUnique: sorted)
    }

    static func isStrictlyAscending(_ ids: [String]) -> Bool {
        var index = 1
        while index < ids.count {
            if !(ids[index - 1] < ids[index]) { return false }
            index += 1
        }
        return true
    }

    /// Equal when they hold the same ids (whatever the shapes of their trees).
    static func == (a: DealSortedIDs, b: DealSortedIDs) -> Bool {
        a.root === b.root || (a.count == b.count && a.all == b.all)
    }

    var count: Int { self.root?.count ?? 0 }
    var isEmpty: Bool { self.root == nil }

    func contains(_ id: String) -> Bool {
        guard var node = self.root else { return false }
        while !node.isLeaf {
            let index = Self.lowerBound(node.keys, id)
            if index == node.keys.count { return false }
            node = node.children[index]
        }
        let index = Self.lowerBound(node.keys, id)
        return index < node.keys.count && node.keys[index] == id
    }

    /// Inserts `id`; returns false when it was already there (nothing changes then).
    @discardableResult
    mutating func insert(_ id: String) -> Bool {
        guard let root = self.root else {
            self.root = Node(leaf: [id])
            return true
        }
        guard let replaced = Self.inserting(id, into: root) else { return false }
        self.root = replaced.count == 1 ? replaced[0] : Node(children: replaced)
        return true
    }

    /// Removes `id`; returns false when it was not there.
    @discardableResult
    mutating func remove(_ id: String) -> Bool {
        guard let root = self.root, case .removed(var newRoot) = Self.removing(id, from: root) else { return false }
        // A root with one child is replaced by it, so removals shrink the height again.
        while let node = newRoot, !node.isLeaf, node.children.count == 1 { newRoot = node.children[0] }
        self.root = newRoot
        return true
    }

    /// Calls `body` with each id greater than `after` (every id when nil), ascending, until it returns false.
    func forEach(after: String?, _ body: (String) -> Bool) {
        guard let root = self.root else { return }
        _ = Self.visit(root, after: after, body)
    }

    /// Every id, ascending.
    var all: [String] {
        var ids: [String] = []
        ids.reserveCapacity(self.count)
        self.forEach(after: nil) { id in
            ids.append(id)
            return true
        }
        return ids
    }

    // MARK: Node operations (each returns new nodes and shares every untouched one)

    /// The first index whose key is >= `id`.
    private static func lowerBound(_ keys: [String], _ id: String) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first index whose key is > `id`.
    private static func upperBound(_ keys: [String], _ id: String) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] <= id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The node(s) replacing `node` with `id` inserted (two after a split), or nil when `id` is already there.
    private static func inserting(_ id: String, into node: Node) -> [Node]? {
        if node.isLeaf {
            let index = Self.lowerBound(node.keys, id)
            if index < node.keys.count && node.keys[index] == id { return nil }
            var keys = node.keys
            keys.insert(id, at: index)
            return Self.split(keys.count, keys) { Node(leaf: Array($0)) }
        }
        // The child whose range holds `id`; past the last key, the last child (its largest id grows).
        let index = min(Self.lowerBound(node.keys, id), node.children.count - 1)
        guard let replaced = Self.inserting(id, into: node.children[index]) else { return nil }
        var children = node.children
        children.replaceSubrange(index...index, with: replaced)
        return Self.split(children.count, children) { Node(children: Array($0)) }
    }

    private static func split<Element>(_ count: Int, _ items: [Element], make: (ArraySlice<Element>) -> Node) -> [Node]
    {
        if count <= Self.fanout { return [make(items[...])] }
        let half = count / 2
        return [make(items[..<half]), make(items[half...])]
    }

    private enum Removal {
        case absent
        /// The node that replaces the one searched (nil when it became empty).
        case removed(Node?)
    }

    /// `node` without `id`.
    private static func removing(_ id: String, from node: Node) -> Removal {
        let index = Self.lowerBound(node.keys, id)
        if index == node.keys.count { return .absent }
        if node.isLeaf {
            guard node.keys[index] == id else { return .absent }
            var keys = node.keys
            keys.remove(at: index)
            return .removed(keys.isEmpty ? nil : Node(leaf: keys))
        }
        guard case .removed(let child) = Self.removing(id, from: node.children[index]) else { return .absent }
        var children = node.children
        if let child { children[index] = child } else { children.remove(at: index) }
        // Underfull nodes are allowed (no merging): the tree stays correct and each level's copy stays small.
        return .removed(children.isEmpty ? nil : Node(children: children))
    }

    /// Returns false when `body` asked to stop.
    private static func visit(_ node: Node, after: String?, _ body: (String) -> Bool) -> Bool {
        let start = after.map { Self.upperBound(node.keys, $0) } ?? 0
        if node.isLeaf {
            var index = start
            while index < node.keys.count {
                if !body(node.keys[index]) { return false }
                index += 1
            }
            return true
        }
        var index = start
        while index < node.children.count {
            // Only the first child visited can hold ids at or below `after`.
            if !Self.visit(node.children[index], after: index == start ? after : nil, body) { return false }
            index += 1
        }
        return true
    }
}

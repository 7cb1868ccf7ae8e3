/// The ordered sets of ids the indexes keep (deal ids, report keys).
typealias DealSortedIDs = DealSortedSet<String>

/// A persistent (structurally shared) sorted set of deal ids (or of any ordered key: the source catalog keeps its
/// 64-bit catalog hashes in one): a B+tree whose shared nodes are never changed.
///
/// Why a tree of its own: the secondary indexes must be ordered (a ListDeals page in id order is the first
/// matches after the token's id, found without visiting every match), copied in O(1) when a version of the store is
/// taken, and changed in O(log n) without copying a table while readers hold older versions. swift-collections'
/// `TreeSet` is persistent but unordered, and its sorted collections are not a stable product in 1.6.0.
///
/// An insert or removal changes the nodes on one root-to-leaf path in place when this set holds the only
/// reference to them (as `Array` and `TreeDictionary` do), and copies them (at most ``fanout`` ids or children
/// each) when a version or another set shares them; everything off that path is shared either way. Before, every
/// change copied its whole path, so a burst of writes between two versions copied the same leaf once per write.
struct DealSortedSet<Element: Comparable & Sendable>: Sendable, Equatable {
    /// The largest number of ids in a leaf and of children in an inner node.
    static var fanout: Int { 64 }

    /// A node: a leaf holds ids in order; an inner node holds its children and, for each, the largest id below it.
    ///
    /// `@unchecked Sendable`, and why that is safe: a node is changed only by ``DealSortedSet``'s mutating methods,
    /// through `inout` access down from the root of the one set value being mutated, and only after
    /// `isKnownUniquelyReferenced` has shown that this reference is the only one (every node above it on the path
    /// passed the same check first). A node reachable from anything else (a published ``DealVersion``, a copy of
    /// the set, another thread) has a reference count above one and is copied instead, so a node any other thread
    /// can reach is never written. The set value itself is mutated by one thread at a time (under the store's
    /// state lock, or by the one recovery thread), as any Swift value must be.
    final class Node: @unchecked Sendable {
        /// Leaf: the ids, ascending. Inner: the largest id of each child, ascending.
        fileprivate(set) var keys: [Element]
        /// Empty for a leaf.
        fileprivate(set) var children: [Node]
        /// How many ids the subtree holds.
        fileprivate(set) var count: Int

        init(leaf keys: [Element]) {
            self.keys = keys
            self.children = []
            self.count = keys.count
        }

        init(children: [Node]) {
            self.children = children
            self.keys = children.map { $0.keys.last! }
            self.count = children.reduce(0) { $0 + $1.count }
        }

        /// A shallow copy: the arrays are shared until the copy changes them.
        init(copying node: Node) {
            self.keys = node.keys
            self.children = node.children
            self.count = node.count
        }

        var isLeaf: Bool { self.children.isEmpty }
    }

    private var root: Node?

    init() {}

    /// Builds the set from ids already in ascending order without repeats (recovery's bulk path).
    init(sortedUnique ids: [Element]) {
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
    init(_ ids: [Element]) {
        var sorted = ids
        if !Self.isStrictlyAscending(sorted) {
            sorted.sort()
            var unique: [Element] = []
            unique.reserveCapacity(sorted.count)
            for id in sorted where unique.last != id { unique.append(id) }
            sorted = unique
        }
        self.init(sortedUnique: sorted)
    }

    static func isStrictlyAscending(_ ids: [Element]) -> Bool {
        var index = 1
        while index < ids.count {
            if !(ids[index - 1] < ids[index]) { return false }
            index += 1
        }
        return true
    }

    /// Equal when they hold the same ids (whatever the shapes of their trees).
    static func == (a: DealSortedSet, b: DealSortedSet) -> Bool {
        a.root === b.root || (a.count == b.count && a.all == b.all)
    }

    var count: Int { self.root?.count ?? 0 }
    var isEmpty: Bool { self.root == nil }

    func contains(_ id: Element) -> Bool {
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
    mutating func insert(_ id: Element) -> Bool {
        guard self.root != nil else {
            self.root = Node(leaf: [id])
            return true
        }
        var sibling: Node?
        guard Self.insert(id, into: &self.root!, sibling: &sibling) else { return false }
        if let sibling { self.root = Node(children: [self.root!, sibling]) }
        return true
    }

    /// Removes `id`; returns false when it was not there.
    @discardableResult
    mutating func remove(_ id: Element) -> Bool {
        // Absent ids change nothing: checked first so that a miss never copies a shared path.
        guard self.contains(id), self.root != nil, Self.remove(id, from: &self.root!) else { return false }
        if self.root!.count == 0 {
            self.root = nil
        } else {
            // A root with one child is replaced by it, so removals shrink the height again.
            while let node = self.root, !node.isLeaf, node.children.count == 1 { self.root = node.children[0] }
        }
        return true
    }

    /// Calls `body` with each id greater than `after` (every id when nil), ascending, until it returns false.
    func forEach(after: Element?, _ body: (Element) -> Bool) {
        guard let root = self.root else { return }
        _ = Self.visit(root, after: after, body)
    }

    /// Every id, ascending.
    var all: [Element] {
        var ids: [Element] = []
        ids.reserveCapacity(self.count)
        self.forEach(after: nil) { id in
            ids.append(id)
            return true
        }
        return ids
    }

    /// True when every node's count is the number of ids below it, every inner key is its child's largest id,
    /// no node but the root is empty and no node exceeds ``fanout`` (what the tests check after in-place changes).
    var isWellFormed: Bool {
        guard let root = self.root else { return true }
        return root.count > 0 && Self.wellFormed(root) != nil
    }

    /// The node's id count when it and its subtree are well formed.
    private static func wellFormed(_ node: Node) -> Int? {
        if node.isLeaf {
            let ascending = Self.isStrictlyAscending(node.keys)
            return ascending && node.keys.count <= Self.fanout && node.count == node.keys.count ? node.count : nil
        }
        guard node.children.count <= Self.fanout, node.keys.count == node.children.count else { return nil }
        var total = 0
        for (child, key) in zip(node.children, node.keys) {
            guard let count = Self.wellFormed(child), count > 0, child.keys.last == key else { return nil }
            total += count
        }
        return total == node.count && Self.isStrictlyAscending(node.keys) ? total : nil
    }

    // MARK: Node operations (each changes a node in place only once it is the only reference to it)

    /// The first index whose key is >= `id`.
    private static func lowerBound(_ keys: [Element], _ id: Element) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first index whose key is > `id`.
    private static func upperBound(_ keys: [Element], _ id: Element) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] <= id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Makes `node` the only reference to its object, copying it when anything else shares it.
    private static func makeUnique(_ node: inout Node) {
        if !isKnownUniquelyReferenced(&node) { node = Node(copying: node) }
    }

    /// Inserts `id` below `node` (made unique first), setting `sibling` to the right half when `node` splits;
    /// false when `id` is already there.
    private static func insert(_ id: Element, into node: inout Node, sibling: inout Node?) -> Bool {
        if node.isLeaf {
            let index = Self.lowerBound(node.keys, id)
            if index < node.keys.count && node.keys[index] == id { return false }
            Self.makeUnique(&node)
            node.keys.insert(id, at: index)
            node.count += 1
            if node.keys.count > Self.fanout {
                let half = node.keys.count / 2
                sibling = Node(leaf: Array(node.keys[half...]))
                node.keys.removeSubrange(half...)
                node.count = node.keys.count
            }
            return true
        }
        // The child whose range holds `id`; past the last key, the last child (its largest id grows).
        let index = min(Self.lowerBound(node.keys, id), node.children.count - 1)
        Self.makeUnique(&node)
        var childSibling: Node?
        guard Self.insert(id, into: &node.children[index], sibling: &childSibling) else { return false }
        node.count += 1
        node.keys[index] = node.children[index].keys.last!
        if let childSibling {
            node.children.insert(childSibling, at: index + 1)
            node.keys.insert(childSibling.keys.last!, at: index + 1)
            if node.children.count > Self.fanout {
                let half = node.children.count / 2
                let right = Node(children: Array(node.children[half...]))
                node.children.removeSubrange(half...)
                node.keys.removeSubrange(half...)
                node.count -= right.count
                sibling = right
            }
        }
        return true
    }

    /// Removes `id` (known to be present) below `node`, made unique first. Underfull nodes are allowed (no
    /// merging): the tree stays correct and each level's copy stays small; empty ones are dropped by their parent.
    private static func remove(_ id: Element, from node: inout Node) -> Bool {
        let index = Self.lowerBound(node.keys, id)
        if index == node.keys.count { return false }
        if node.isLeaf {
            guard node.keys[index] == id else { return false }
            Self.makeUnique(&node)
            node.keys.remove(at: index)
            node.count -= 1
            return true
        }
        Self.makeUnique(&node)
        guard Self.remove(id, from: &node.children[index]) else { return false }
        node.count -= 1
        if node.children[index].count == 0 {
            node.children.remove(at: index)
            node.keys.remove(at: index)
        } else {
            node.keys[index] = node.children[index].keys.last!
        }
        return true
    }

    /// Returns false when `body` asked to stop.
    private static func visit(_ node: Node, after: Element?, _ body: (Element) -> Bool) -> Bool {
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

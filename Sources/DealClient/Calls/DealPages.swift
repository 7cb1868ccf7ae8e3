/// Every item of a paged list call, fetched a page at a time as iteration reaches it, so a tool never writes the
/// page-token loop itself.
///
/// The first page is requested when iteration starts; each further page when the previous one is used up. The
/// sequence throws `DealRPCError` if a page call fails. Pages stay consistent while records change (PROTOCOL.md,
/// data conventions: pagination).
public struct DealPages<Element: Sendable>: AsyncSequence, Sendable {
    /// Fetches the page at a token (`""` for the first); returns its items and the next token (`""` after the last).
    typealias Fetch = @Sendable (String) async throws(DealRPCError) -> (items: [Element], nextPageToken: String)

    let fetch: Fetch

    init(fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(fetch: self.fetch)
    }

    /// Collects every item of every page into an array.
    public func collect() async throws(DealRPCError) -> [Element] {
        var all: [Element] = []
        var iterator = self.makeAsyncIterator()
        while let item = try await iterator.next() {
            all.append(item)
        }
        return all
    }

    /// Yields the items page by page.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let fetch: Fetch
        var buffered: [Element] = []
        var index = 0
        var nextPageToken: String? = ""

        init(fetch: @escaping Fetch) {
            self.fetch = fetch
        }

        public mutating func next() async throws(DealRPCError) -> Element? {
            while self.index == self.buffered.count {
                guard let token = self.nextPageToken else { return nil }
                let page = try await self.fetch(token)
                self.buffered = page.items
                self.index = 0
                self.nextPageToken = page.nextPageToken.isEmpty ? nil : page.nextPageToken
            }
            defer { self.index += 1 }
            return self.buffered[self.index]
        }
    }
}

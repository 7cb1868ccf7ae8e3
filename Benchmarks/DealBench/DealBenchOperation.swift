import ArgumentParser
import DealProtocol

/// What a benchmark call does.
enum DealBenchOperation: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// GetDeal of a random stored id.
    case get
    /// ListDeals: one filtered page (an investor's deals, 20 per page).
    case list
    /// SummarizeDeals grouped by investor over one target's deals.
    case summarize
    /// SummarizeDeals grouped by investor over every deal (no filter).
    case summarizeAll = "summarize-all"
    /// CreateDeal of a new deal with a unique id.
    case create
    /// UpdateDeal of a random stored deal's notes.
    case update

    /// The method the operation calls.
    var method: DealMethod {
        switch self {
        case .get: .getDeal
        case .list: .listDeals
        case .summarize, .summarizeAll: .summarizeDeals
        case .create: .createDeal
        case .update: .updateDeal
        }
    }

    /// Whether the operation writes (and so needs the write role and the bench organizations).
    var isWrite: Bool {
        self == .create || self == .update
    }
}

import DealModel
import DealProtocol
import DealStore
import NIOCore
import SwiftProtobuf

/// `dealstore.v1.Deals`: the deal methods, served from the store.
///
/// Reads are answered on the connection's event loop straight from the store's memory; writes are handed to the
/// store's group-commit queue and answered when their record is durable; streams that wait on the store run as
/// jobs of the task runner.
struct DealDealsService: DealRegistrableService {
    let store: DealStore
    let runner: DealServerTaskRunner
    let maximumImportRecords: Int
    let maximumImportBytes: Int
    /// One completion executor per event loop of the server's group, so durable writes are answered one commit
    /// batch per loop hop; built once and never changed, so looking one up per call takes no lock.
    let loopCompletions: [ObjectIdentifier: DealServerLoopCompletions]

    /// How many import records are decoded and applied at a time (the store commits them in batches of this
    /// size too).
    static var importSliceSize: Int { 1000 }

    /// How many change events a watch writes per hop to the loop: all of them may wait behind a closed window.
    static var watchBatchSize: Int { 64 }

    /// TopDeals' `limit` when the request leaves it 0 (deals.proto).
    static var defaultTopDealsLimit: Int { 10 }

    func registerMethods(with registry: inout DealServerMethodRegistry) {
        registry.register(.getDeal) { _, writer in self.getDeal(writer) }
        registry.register(.listDeals) { _, writer in self.listDeals(writer) }
        registry.register(.createDeal) { _, writer in self.createDeal(writer) }
        registry.register(.updateDeal) { _, writer in self.updateDeal(writer) }
        registry.register(.deleteDeal) { _, writer in self.deleteDeal(writer) }
        registry.register(.importDeals) { _, writer in self.importDeals(writer) }
        registry.register(.exportDeals) { _, writer in self.exportDeals(writer) }
        registry.register(.summarizeDeals) { _, writer in self.summarizeDeals(writer) }
        registry.register(.topDeals) { _, writer in self.topDeals(writer) }
        registry.register(.listCoInvestors) { _, writer in self.listCoInvestors(writer) }
        registry.register(.getTimeline) { _, writer in self.getTimeline(writer) }
        registry.register(.watchDeals) { _, writer in self.watchDeals(writer) }
        registry.register(.listConflicts) { _, writer in self.listConflicts(writer) }
        registry.register(.findDuplicateDeals) { _, writer in self.findDuplicateDeals(writer) }
        registry.register(.listSourceReports) { _, writer in self.listSourceReports(writer) }
        registry.register(.listSources) { _, writer in self.listSources(writer) }
        registry.register(.getSource) { _, writer in self.getSource(writer) }
        registry.register(.getFXTable) { _, writer in self.getFXTable(writer) }
        registry.register(.importFXRates) { _, writer in self.importFXRates(writer) }
    }

    /// The batch executor of `eventLoop`; `nil` for a loop outside the server's group (then each write's answer
    /// hops from the committer thread on its own, as in tests on embedded loops).
    func completions(on eventLoop: any EventLoop) -> DealServerLoopCompletions? {
        self.loopCompletions[ObjectIdentifier(eventLoop)]
    }

    func getDeal(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        // The store keeps each deal serialized: those bytes are the response, with no decode and re-encode.
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_GetDealRequest) in
            do {
                let read = try store.dealBytesAtRevision(id: request.id)
                writer.respond(serialized: read.bytes, revision: read.revision)
            } catch {
                writer.finish(error)
            }
        }
    }

    func listDeals(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        // The page is framed from the stored bytes of its deals: no decode and re-encode of each deal.
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_ListDealsRequest) in
            do {
                let page = try store.listDealBytes(
                    filter: request.filter,
                    orderBy: request.orderBy,
                    pageSize: Int(request.pageSize),
                    pageToken: request.pageToken
                )
                writer.respond(
                    serialized: DealResponseEncoding.listDealsResponse(
                        deals: page.deals,
                        nextPageToken: page.nextPageToken,
                        totalSize: page.totalSize
                    ),
                    revision: page.revision
                )
            } catch {
                writer.finish(error)
            }
        }
    }

    func createDeal(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        // The answer is the stored deal's bytes, the same that were logged: no second encoding. The store hands the
        // completion to this loop's executor with the rest of its commit batch.
        let completions = self.completions(on: writer.eventLoop)
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_CreateDealRequest) in
            store.write(
                .createDeal(request.deal, validateOnly: request.validateOnly),
                answer: .serialized,
                executor: completions
            ) { writer.complete(serialized: $0, batchedBy: completions, store: store) }
        }
    }

    func updateDeal(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        let completions = self.completions(on: writer.eventLoop)
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_UpdateDealRequest) in
            store.write(
                .updateDeal(request.deal, updateMask: request.updateMask, expectedEtag: request.etag),
                answer: .serialized,
                executor: completions
            ) { writer.complete(serialized: $0, batchedBy: completions, store: store) }
        }
    }

    func deleteDeal(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        let completions = self.completions(on: writer.eventLoop)
        return DealUnaryCall(writer: writer) { (request: Dealstore_V1_DeleteDealRequest) in
            store.deleteDeal(id: request.id, expectedEtag: request.etag, executor: completions) { result in
                writer.holdFlushes(batchedBy: completions)
                writer.complete(
                    result.map { revision in
                        var response = Dealstore_V1_DeleteDealResponse()
                        response.revision = revision
                        return response
                    },
                    revision: \.revision
                )
            }
        }
    }

    func importDeals(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        let runner = self.runner
        return DealClientStreamingCall(
            writer: writer,
            maximumRequests: self.maximumImportRecords,
            maximumBytes: DealRequestByteLimit(bytes: self.maximumImportBytes, setting: "limits.max_import_bytes")
        ) { (requests: DealReceivedRequests<Dealstore_V1_ImportDealsRequest>) in
            let policy = requests.first?.onConflict ?? .skip
            runner.submit {
                do {
                    // Decoded a slice at a time: only one slice of records is in memory beside the bytes.
                    var response = Dealstore_V1_ImportDealsResponse()
                    var start = 0
                    while start < requests.count {
                        let end = min(requests.count, start + Self.importSliceSize)
                        let slice = try await store.importRecords(
                            try requests.decode(start..<end).map(\.record),
                            policy: policy
                        )
                        response.created += UInt64(slice.created)
                        response.updated += UInt64(slice.updated)
                        response.skipped += UInt64(slice.skipped)
                        response.rejected += slice.rejections.map { rejection in
                            var rejection = rejection
                            rejection.index += UInt64(start)
                            return rejection
                        }
                        start = end
                    }
                    response.revision = store.revision
                    writer.respond(response, revision: response.revision)
                } catch {
                    writer.finish(error)
                }
            }
        }
    }

    func exportDeals(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        // The view is taken under the store's lock in O(1); each record is decoded only as it is sent.
        return DealListStreamingCall(writer: writer) { (request: Dealstore_V1_ExportDealsRequest) in
            let view = try store.exportView(filter: request.filter)
            return DealLazyResponses(count: view.count, revision: view.revision) { try view.record(at: $0) }
        }
    }

    func summarizeDeals(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_SummarizeDealsRequest) in
            // The revision the groups were computed at, not the store's latest (writes may land meanwhile).
            let summary = try store.summarizeAtRevision(groupBy: request.groupBy, filter: request.filter)
            var response = Dealstore_V1_SummarizeDealsResponse()
            response.revision = summary.revision
            response.groups = summary.groups
            return (response, summary.revision)
        }
    }

    func topDeals(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_TopDealsRequest) in
            var response = Dealstore_V1_TopDealsResponse()
            let top = try store.topDealsAtRevision(
                limit: request.limit == 0 ? Self.defaultTopDealsLimit : Int(request.limit),
                currencyCode: request.currencyCode,
                filter: request.filter
            )
            response.deals = top.deals
            return (response, top.revision)
        }
    }

    func listCoInvestors(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_ListCoInvestorsRequest) in
            var response = Dealstore_V1_ListCoInvestorsResponse()
            let read = try store.coInvestorsAtRevision(of: request.investorID)
            response.investorID = read.investorID
            response.coInvestors = read.coInvestors
            return (response, read.revision)
        }
    }

    func getTimeline(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_GetTimelineRequest) in
            let read = try store.timelineAtRevision(of: request.organizationID)
            return (read.timeline, read.revision)
        }
    }

    func watchDeals(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealAsyncStreamingCall(writer: writer, runner: self.runner) {
            (request: Dealstore_V1_WatchDealsRequest, writer, pacer) in
            await Self.watch(store: store, request: request, writer: writer, pacer: pacer)
        }
    }

    func listConflicts(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_ListConflictsRequest) in
            // Issue 18 part 6: an organization's claims, or claims of one status (DealStore+Sources.swift).
            let page = try store.conflicts(
                dealID: request.dealID,
                organizationID: request.organizationID,
                status: request.status,
                pageSize: Int(request.pageSize),
                pageToken: request.pageToken
            )
            var response = Dealstore_V1_ListConflictsResponse()
            response.conflicts = page.conflicts
            response.nextPageToken = page.nextPageToken
            return (response, page.revision)
        }
    }

    /// Serves one WatchDeals call: the `created` answer when asked for, then replays the retained history lazily
    /// from `from_revision`, then live changes, a batch at a time and only while the client's window is open
    /// (``DealServerStreamPacer``).
    static func watch(
        store: DealStore,
        request: Dealstore_V1_WatchDealsRequest,
        writer: DealServerCallWriter,
        pacer: DealServerStreamPacer
    ) async {
        let subscription: DealChangeSubscription
        do {
            subscription = try store.watch(from: request.fromRevision == 0 ? store.revision : request.fromRevision)
        } catch {
            writer.finish(Self.watchError(error, store: store, resumeRevision: nil))
            return
        }
        defer { subscription.cancel() }
        if request.sendCreated {
            // The subscription exists now: tell the client, so a write it makes after this answer is delivered.
            var created = Dealstore_V1_ChangeEvent()
            created.created = true
            created.revision = subscription.resumeRevision
            guard await writer.send([created], pacedBy: pacer) else { return }
        }
        // Checked before each batch: a watch cancelled while it replays history stops at once, instead of
        // decoding a batch it will never send.
        while !Task.isCancelled {
            let events: [Dealstore_V1_ChangeEvent]
            do {
                events = try await subscription.next(limit: Self.watchBatchSize)
            } catch {
                writer.finish(Self.watchError(error, store: store, resumeRevision: subscription.resumeRevision))
                return
            }
            if events.isEmpty {
                if Task.isCancelled {
                    writer.finish(code: .cancelled, message: "the watch was cancelled")
                } else {
                    writer.finishOK(revision: subscription.resumeRevision)
                }
                return
            }
            let sent =
                request.includeOrganizations
                ? events
                : events.filter { if case .organization = $0.record.record { false } else { true } }
            if !sent.isEmpty, await !writer.send(sent, pacedBy: pacer) {
                return
            }
        }
        writer.finish(code: .cancelled, message: "the watch was cancelled")
    }

    /// A watch's OUT_OF_RANGE, with where to resume in the trailers: `resume-revision`, the revision up to which
    /// this watch delivered every change (absent when it delivered none), and `oldest-revision`, the oldest
    /// `from_revision` the server accepts now.
    static func watchError(_ error: any Error, store: DealStore, resumeRevision: UInt64?) -> DealRPCError {
        var rpcError = DealServiceErrorMapping.rpcError(from: error)
        guard rpcError.code == .outOfRange else { return rpcError }
        if let resumeRevision {
            rpcError.metadata.append(
                DealMetadataEntry(key: DealProtocolVersion.resumeRevisionMetadataKey, text: "\(resumeRevision)")
            )
        }
        rpcError.metadata.append(
            DealMetadataEntry(key: DealProtocolVersion.oldestRevisionMetadataKey, text: "\(store.compactedRevision)")
        )
        return rpcError
    }
}

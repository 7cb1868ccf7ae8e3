import DealModel
import DealProtocol
import DealStore
import Foundation
import NIOCore
import SwiftProtobuf

/// Maps a method path to the code that serves it, after checking the caller's credentials.
///
/// Reads are answered on the connection's event loop straight from the store's memory; writes are handed to the
/// store's group-commit queue and answered when their record is durable; streams that wait on the store run as
/// jobs of the task runner.
final class DealServerRouter: Sendable {
    let store: DealStore
    let authorizer: DealAuthorizer
    let runner: DealServerTaskRunner
    let serverVersion: String
    let tlsLibraryVersion: String
    let startedAt: ContinuousClock.Instant
    let maximumImportRecords: Int
    let maximumImportBytes: Int
    /// One completion executor per event loop of the server's group, so durable writes are answered one commit
    /// batch per loop hop; built once and never changed, so looking one up per call takes no lock.
    let loopCompletions: [ObjectIdentifier: DealServerLoopCompletions]

    init(
        store: DealStore,
        authorizer: DealAuthorizer,
        runner: DealServerTaskRunner,
        serverVersion: String,
        tlsLibraryVersion: String,
        maximumImportRecords: Int = 1_000_000,
        maximumImportBytes: Int = 256 << 20,
        eventLoops: [any EventLoop] = []
    ) {
        self.store = store
        self.authorizer = authorizer
        self.runner = runner
        self.serverVersion = serverVersion
        self.tlsLibraryVersion = tlsLibraryVersion
        self.startedAt = .now
        self.maximumImportRecords = maximumImportRecords
        self.maximumImportBytes = maximumImportBytes
        var loopCompletions: [ObjectIdentifier: DealServerLoopCompletions] = [:]
        for eventLoop in eventLoops {
            loopCompletions[ObjectIdentifier(eventLoop)] = DealServerLoopCompletions(eventLoop: eventLoop)
        }
        self.loopCompletions = loopCompletions
    }

    /// The batch executor of `eventLoop`; `nil` for a loop outside the server's group (then each write's answer
    /// hops from the committer thread on its own, as in tests on embedded loops).
    func completions(on eventLoop: any EventLoop) -> DealServerLoopCompletions? {
        self.loopCompletions[ObjectIdentifier(eventLoop)]
    }

    /// Authorizes the call and creates its handler; answers at once (and returns `nil`) when refused.
    ///
    /// `requestOpen` says whether the request goes on after the HEADERS (no END_STREAM on them): such a call's
    /// token is checked again when its request ends.
    func makeCall(
        context: DealServerCallContext,
        writer: DealServerCallWriter,
        requestOpen: Bool,
        authorizationCache: inout DealAuthorizationCache
    ) -> (any DealServerCall)? {
        var context = context
        switch self.authorizer.authorize(
            method: context.method,
            authorization: context.metadata(DealProtocolVersion.authorizationMetadataKey),
            identity: context.peer.identity,
            cache: &authorizationCache
        ) {
        case .unauthenticated(let message):
            writer.finish(code: .unauthenticated, message: message)
            return nil
        case .permissionDenied(let message):
            writer.finish(code: .permissionDenied, message: message)
            return nil
        case .allowed(let role):
            context.role = role
        }
        // A watch authorized by a token is ended if a reload revokes the token; a call whose request is still
        // coming is refused if a reload revokes it before the request ends.
        return self.authorizer.revocable(
            self.dispatch(context: context, writer: writer),
            method: context.method,
            authorization: context.metadata(DealProtocolVersion.authorizationMetadataKey),
            requestOpen: requestOpen,
            writer: writer,
            cache: authorizationCache
        )
    }

    // swift-format-ignore: FunctionBodyLength
    private func dispatch(context: DealServerCallContext, writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        switch context.method {
        case .getDeal:
            // The store keeps each deal serialized: those bytes are the response, with no decode and re-encode.
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_GetDealRequest) in
                do {
                    writer.respond(serialized: try store.dealBytes(id: request.id))
                } catch {
                    writer.finish(error)
                }
            }
        case .listDeals:
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
                        )
                    )
                } catch {
                    writer.finish(error)
                }
            }
        case .createDeal:
            // The answer is the stored deal's bytes, the same that were logged: no second encoding. The store
            // hands the completion to this loop's executor with the rest of its commit batch.
            let completions = self.completions(on: writer.eventLoop)
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_CreateDealRequest) in
                store.createDealSerialized(
                    request.deal,
                    validateOnly: request.validateOnly,
                    executor: completions
                ) { writer.complete(serialized: $0, batchedBy: completions) }
            }
        case .updateDeal:
            let completions = self.completions(on: writer.eventLoop)
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_UpdateDealRequest) in
                store.updateDealSerialized(
                    request.deal,
                    updateMask: request.updateMask,
                    expectedEtag: request.etag,
                    executor: completions
                ) { writer.complete(serialized: $0, batchedBy: completions) }
            }
        case .deleteDeal:
            let completions = self.completions(on: writer.eventLoop)
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_DeleteDealRequest) in
                store.deleteDeal(id: request.id, expectedEtag: request.etag, executor: completions) { result in
                    writer.holdFlushes(batchedBy: completions)
                    writer.complete(
                        result.map { revision in
                            var response = Dealstore_V1_DeleteDealResponse()
                            response.revision = revision
                            return response
                        }
                    )
                }
            }
        case .importDeals:
            return DealClientStreamingCall(
                writer: writer,
                maximumRequests: self.maximumImportRecords,
                maximumBytes: DealRequestByteLimit(bytes: self.maximumImportBytes, setting: "limits.max_import_bytes")
            ) { (requests: DealReceivedRequests<Dealstore_V1_ImportDealsRequest>) in
                let policy = requests.first?.onConflict ?? .skip
                self.runner.submit {
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
                        writer.respond(response)
                    } catch {
                        writer.finish(error)
                    }
                }
            }
        case .exportDeals:
            // The view is taken under the store's lock in O(1); each record is decoded only as it is sent.
            return DealListStreamingCall(writer: writer) { (request: Dealstore_V1_ExportDealsRequest) in
                let view = try store.exportView(filter: request.filter)
                return DealLazyResponses(count: view.count) { try view.record(at: $0) }
            }
        case .summarizeDeals:
            return self.unary(writer) { (request: Dealstore_V1_SummarizeDealsRequest) in
                // The revision the groups were computed at, not the store's latest (writes may land meanwhile).
                let summary = try store.summarizeAtRevision(groupBy: request.groupBy, filter: request.filter)
                var response = Dealstore_V1_SummarizeDealsResponse()
                response.revision = summary.revision
                response.groups = summary.groups
                return response
            }
        case .topDeals:
            return self.unary(writer) { (request: Dealstore_V1_TopDealsRequest) in
                var response = Dealstore_V1_TopDealsResponse()
                response.deals = try store.topDeals(
                    limit: request.limit == 0 ? 10 : Int(request.limit),
                    currencyCode: request.currencyCode,
                    filter: request.filter
                )
                return response
            }
        case .listCoInvestors:
            return self.unary(writer) { (request: Dealstore_V1_ListCoInvestorsRequest) in
                var response = Dealstore_V1_ListCoInvestorsResponse()
                response.investorID = try store.organization(id: request.investorID).id
                response.coInvestors = try store.coInvestors(of: request.investorID)
                return response
            }
        case .getTimeline:
            return self.unary(writer) { (request: Dealstore_V1_GetTimelineRequest) in
                try store.timeline(of: request.organizationID)
            }
        case .watchDeals:
            return DealAsyncStreamingCall(writer: writer, runner: self.runner) {
                (request: Dealstore_V1_WatchDealsRequest, writer, pacer) in
                await Self.watch(store: store, request: request, writer: writer, pacer: pacer)
            }
        case .listConflicts:
            return self.unary(writer) { (request: Dealstore_V1_ListConflictsRequest) in
                let page = try store.conflicts(
                    dealID: request.dealID,
                    pageSize: request.pageSize == 0 ? 50 : Int(request.pageSize),
                    pageToken: request.pageToken
                )
                var response = Dealstore_V1_ListConflictsResponse()
                response.conflicts = page.conflicts
                response.nextPageToken = page.nextPageToken
                return response
            }
        case .findDuplicateDeals:
            return self.unary(writer) { (request: Dealstore_V1_FindDuplicateDealsRequest) in
                let found = try store.duplicateDeals(
                    filter: request.filter,
                    maximumDaysApart: request.maxDaysApart == 0 ? 31 : Int(request.maxDaysApart),
                    tolerancePercent: request.amountTolerancePercent == 0 ? 10 : Int(request.amountTolerancePercent),
                    limit: Int(request.limit)
                )
                var response = Dealstore_V1_FindDuplicateDealsResponse()
                response.candidates = found.candidates
                response.revision = found.revision
                return response
            }
        case .mergeOrganizations:
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_MergeOrganizationsRequest) in
                store.mergeOrganizations(
                    request.sourceID,
                    into: request.targetID,
                    sourceEtag: request.sourceEtag,
                    targetEtag: request.targetEtag,
                    validateOnly: request.validateOnly
                ) { result in
                    writer.complete(
                        result.map { merge in
                            var response = Dealstore_V1_MergeOrganizationsResponse()
                            response.organization = merge.organization
                            response.updatedDealIds = merge.updatedDealIDs
                            response.updatedOrganizationIds = merge.updatedOrganizationIDs
                            response.revision = merge.revision
                            return response
                        }
                    )
                }
            }
        case .getOrganization:
            return self.unary(writer) { (request: Dealstore_V1_GetOrganizationRequest) in
                try store.organization(id: request.id)
            }
        case .listOrganizations:
            return self.unary(writer) { (request: Dealstore_V1_ListOrganizationsRequest) in
                let page = try store.listOrganizations(
                    pageSize: request.pageSize == 0 ? 100 : Int(request.pageSize),
                    pageToken: request.pageToken,
                    query: request.query,
                    kind: request.kind
                )
                var response = Dealstore_V1_ListOrganizationsResponse()
                response.organizations = page.organizations
                response.nextPageToken = page.nextPageToken
                response.totalSize = Int64(page.totalSize)
                return response
            }
        case .createOrganization:
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_CreateOrganizationRequest) in
                store.createOrganization(request.organization, validateOnly: request.validateOnly) {
                    writer.complete($0)
                }
            }
        case .updateOrganization:
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_UpdateOrganizationRequest) in
                store.updateOrganization(
                    request.organization,
                    updateMask: request.updateMask,
                    expectedEtag: request.etag
                ) { writer.complete($0) }
            }
        case .deleteOrganization:
            return DealUnaryCall(writer: writer) { (request: Dealstore_V1_DeleteOrganizationRequest) in
                store.deleteOrganization(id: request.id, expectedEtag: request.etag) { result in
                    writer.complete(
                        result.map { revision in
                            var response = Dealstore_V1_DeleteOrganizationResponse()
                            response.revision = revision
                            return response
                        }
                    )
                }
            }
        case .healthCheck:
            return self.unary(writer) { (request: Dealstore_V1_HealthCheckRequest) in
                try Self.health(store: store, service: request.service)
            }
        case .healthWatch:
            return DealAsyncStreamingCall(writer: writer, runner: self.runner) {
                (request: Dealstore_V1_HealthCheckRequest, writer, _) in
                // At most one answer a second: nothing to pace.
                await Self.watchHealth(store: store, service: request.service, writer: writer)
            }
        case .getServerInfo:
            return self.unary(writer) { (_: Dealstore_V1_GetServerInfoRequest) in
                var info = Dealstore_V1_ServerInfo()
                info.serverVersion = self.serverVersion
                info.minProtocolVersion = DealProtocolVersion.current
                info.maxProtocolVersion = DealProtocolVersion.current
                info.tlsLibraryVersion = self.tlsLibraryVersion
                info.storeRevision = store.revision
                info.compactedRevision = store.compactedRevision
                info.uptimeSeconds = UInt64((ContinuousClock.now - self.startedAt).components.seconds)
                info.methods = DealMethod.all.map(\.path)
                info.dealCount = UInt64(store.dealCount)
                info.organizationCount = UInt64(store.organizationCount)
                info.callerRole = context.role.description
                return info
            }
        default:
            writer.finish(code: .unimplemented, message: "\(context.method.path) is not implemented")
            return DealUnaryCall(writer: writer) { (_: Dealstore_V1_GetServerInfoRequest) in }
        }
    }

    /// A unary read: the body runs on the event loop and its result or error is the answer.
    private func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ writer: DealServerCallWriter,
        _ body: @escaping (Request) throws -> Response
    ) -> DealUnaryCall<Request> {
        DealUnaryCall(writer: writer) { request in
            do {
                writer.respond(try body(request))
            } catch {
                writer.finish(error)
            }
        }
    }

    static func health(store: DealStore, service: String) throws(DealRPCError) -> Dealstore_V1_HealthCheckResponse {
        let known = [
            "", "dealstore.v1.Deals", "dealstore.v1.Organizations", "dealstore.v1.Health", "dealstore.v1.Server",
        ]
        var response = Dealstore_V1_HealthCheckResponse()
        guard known.contains(service) else {
            throw DealRPCError(code: .notFound, message: "unknown service \"\(service)\"; use \"\" for the server")
        }
        switch store.health {
        case .serving:
            response.status = .serving
        case .readOnly(let reason):
            response.status = .notServing
            response.reason = "store is read-only: \(reason)"
        }
        return response
    }

    static func watchHealth(store: DealStore, service: String, writer: DealServerCallWriter) async {
        var last: Dealstore_V1_HealthCheckResponse?
        while !Task.isCancelled {
            do {
                let current = try Self.health(store: store, service: service)
                if current != last {
                    writer.send(current)
                    last = current
                }
                try await Task.sleep(for: .seconds(1))
            } catch is CancellationError {
                break
            } catch {
                writer.finish(error)
                return
            }
        }
        writer.finish(code: .cancelled, message: "the watch was cancelled")
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
                    writer.finishOK()
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

    /// How many import records are decoded and applied at a time (the store commits them in batches of this
    /// size too).
    static var importSliceSize: Int { 1000 }

    /// How many change events a watch writes per hop to the loop: all of them may wait behind a closed window.
    static var watchBatchSize: Int { 64 }

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

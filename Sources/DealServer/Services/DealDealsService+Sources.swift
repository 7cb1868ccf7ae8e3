import DealModel
import DealProtocol
import DealStore

extension DealDealsService {
    /// ListSourceReports (issue 18 part 6): read from one version of the store, off every lock.
    func listSourceReports(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_ListSourceReportsRequest) in
            let page = try store.sourceReports(
                publisher: request.publisher,
                sourceID: request.sourceID,
                catalogID: request.catalogID,
                pageSize: Int(request.pageSize),
                pageToken: request.pageToken
            )
            var response = Dealstore_V1_ListSourceReportsResponse()
            response.reports = page.reports
            response.nextPageToken = page.nextPageToken
            response.revision = page.revision
            return (response, page.revision)
        }
    }

    /// ListSources: the source catalog, an index lookup on one version of the store.
    func listSources(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_ListSourcesRequest) in
            let page = try store.catalogSources(
                publisher: request.publisher,
                pageSize: Int(request.pageSize),
                pageToken: request.pageToken
            )
            var response = Dealstore_V1_ListSourcesResponse()
            response.sources = page.sources
            response.nextPageToken = page.nextPageToken
            response.revision = page.revision
            return (response, page.revision)
        }
    }

    /// GetSource: one catalog source by id.
    func getSource(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_GetSourceRequest) in
            let read = try store.catalogSource(id: request.id)
            return (read.source, read.revision)
        }
    }
}

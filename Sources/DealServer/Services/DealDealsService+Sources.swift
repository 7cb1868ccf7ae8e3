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
}

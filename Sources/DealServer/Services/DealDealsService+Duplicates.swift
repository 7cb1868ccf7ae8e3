import DealModel
import DealProtocol
import DealStore

extension DealDealsService {
    /// FindDuplicateDeals (issue 18 part 5): read from one version of the store, off every lock.
    func findDuplicateDeals(_ writer: DealServerCallWriter) -> any DealServerCall {
        let store = self.store
        return DealUnaryCall.answering(writer) { (request: Dealstore_V1_FindDuplicateDealsRequest) in
            // 0 means the default (deals.proto); the store applies the limit's default and bounds itself.
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
    }
}

import DealProtocol
import NIOCore
import Testing

@Suite("Status codes and methods")
struct DealStatusCodeTests {
    @Test(
        "gRPC's codes keep gRPC's numbers and names",
        arguments: [
            (DealStatusCode.ok, 0, "OK"), (.cancelled, 1, "CANCELLED"), (.invalidArgument, 3, "INVALID_ARGUMENT"),
            (.deadlineExceeded, 4, "DEADLINE_EXCEEDED"), (.notFound, 5, "NOT_FOUND"),
            (.permissionDenied, 7, "PERMISSION_DENIED"), (.resourceExhausted, 8, "RESOURCE_EXHAUSTED"),
            (.aborted, 10, "ABORTED"), (.unimplemented, 12, "UNIMPLEMENTED"), (.internal, 13, "INTERNAL"),
            (.unavailable, 14, "UNAVAILABLE"), (.unauthenticated, 16, "UNAUTHENTICATED"),
        ]
    )
    func codes(code: DealStatusCode, value: Int32, name: String) {
        #expect(code.rawValue == value)
        #expect(code.name == name)
    }

    @Test("unknown codes survive as numbers")
    func unknownCode() {
        #expect(DealStatusCode(rawValue: 42).name == "UNKNOWN(42)")
        #expect(DealStatusCode.allDefined.count == 17)
    }

    @Test("every method path is unique and resolvable", arguments: DealMethod.all)
    func methodLookup(method: DealMethod) {
        #expect(DealMethod.named(method.path) == method)
        #expect(method.path.hasPrefix("/dealstore.v1."))
    }

    @Test("mutations are exactly the create, update, delete, import, merge and FX import methods")
    func mutations() {
        let names = Set(DealMethod.all.filter(\.isMutation).map(\.name))
        #expect(
            names == [
                "CreateDeal", "UpdateDeal", "DeleteDeal", "ImportDeals", "CreateOrganization", "UpdateOrganization",
                "DeleteOrganization", "MergeOrganizations", "ImportFXRates",
            ]
        )
    }

    @Test("a garbage payload is an INVALID_ARGUMENT naming the message")
    func garbagePayload() {
        let frame = DealFrame(kind: .headers, streamID: 1, payload: .init(bytes: [0xFF, 0xFF, 0xFF]))
        let error = #expect(throws: DealRPCError.self) {
            _ = try frame.decodePayload(as: Dealstore_V1_CallHeaders.self)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("dealstore.v1.CallHeaders") == true)
    }
}

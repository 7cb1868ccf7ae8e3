/// The most request-message bytes a client-streaming call may carry, and the setting that configures it (named
/// in the RESOURCE_EXHAUSTED message so an operator knows what to raise).
struct DealRequestByteLimit: Sendable {
    let bytes: Int
    let setting: String
}

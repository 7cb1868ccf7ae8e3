import Testing

@Suite struct DealProtocolTestsPlaceholder {
    @Test func builds() {}
}

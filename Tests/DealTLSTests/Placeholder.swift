import Testing

@Suite struct DealTLSTestsPlaceholder {
    @Test func builds() {}
}

import Testing

@Suite struct DealServerTestsPlaceholder {
    @Test func builds() {}
}

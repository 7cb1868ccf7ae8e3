import Testing

@Suite struct DealClientTestsPlaceholder {
    @Test func builds() {}
}

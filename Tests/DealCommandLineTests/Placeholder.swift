import Testing

@Suite struct DealCommandLineTestsPlaceholder {
    @Test func builds() {}
}

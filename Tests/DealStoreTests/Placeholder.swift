import Testing

@Suite struct DealStoreTestsPlaceholder {
    @Test func builds() {}
}

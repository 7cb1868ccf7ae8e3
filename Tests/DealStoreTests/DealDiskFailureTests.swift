import DealModel
import DealStore
import Foundation
import Testing

@Suite("Disk failures")
struct DealDiskFailureTests {
    @Test(
        "a failed log write turns the store read-only with a clear error; reads go on",
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"))
    )
    func writeFailure() async throws {
        let directory = TemporaryDirectory()
        // The first segment is a symlink to /dev/full: every write to it fails with ENOSPC, like a full disk.
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/wal-0000000000000001.log",
            withDestinationPath: "/dev/full"
        )
        let store = try await TestStores.open(directory.path, fsync: .always)
        #expect(store.health == .serving)
        let error = await #expect(throws: DealStoreError.self) {
            try await store.createOrganization(TestStores.organization("target"))
        }
        #expect(error?.code == .readOnly)
        #expect(error?.message.contains("read-only") == true)
        guard case .readOnly(let reason) = store.health else {
            Issue.record("health is \(store.health)")
            return
        }
        #expect(reason.contains("write"))
        let second = await #expect(throws: DealStoreError.self) {
            try await store.createOrganization(TestStores.organization("other"))
        }
        #expect(second?.code == .readOnly)
        // The write that failed was rolled back from memory: a caller told "read-only" never finds it either.
        #expect(store.organizationCount == 0)
        #expect(try store.changes(after: 0).isEmpty, "a change that never became durable was published")
        try? await store.close()
    }
}

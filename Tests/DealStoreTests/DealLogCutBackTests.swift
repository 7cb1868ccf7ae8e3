import DealModel
import DealStore
import Foundation
import Testing

/// After a failed log write the store cuts the failed batch off the log; when even that cut fails it fails
/// closed. (The cut itself, on a real part-way write failure, is tested against dealsd under a file size limit in
/// DealDaemonDiskFullTests.)
@Suite("Cutting a failed batch off the log")
struct DealLogCutBackTests {
    @Test(
        "when the cut itself fails, the store refuses every later write and says refused writes may reappear",
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full"))
    )
    func cutFailureFailsClosed() async throws {
        let directory = TemporaryDirectory()
        // Writes to /dev/full fail with ENOSPC, and it cannot be truncated (EINVAL): the cut fails too.
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/wal-0000000000000001.log",
            withDestinationPath: "/dev/full"
        )
        let store = try await TestStores.open(directory.path, fsync: .always)
        let error = await #expect(throws: DealStoreError.self) {
            try await store.createOrganization(TestStores.organization("target"))
        }
        #expect(error?.code == .readOnly)
        #expect(error?.message.contains("cutting the failed batch off the log failed too") == true, "\(error!)")
        #expect(error?.message.contains("dealsd check") == true, "\(error!)")
        for id in ["second", "third"] {
            let later = await #expect(throws: DealStoreError.self) {
                try await store.createOrganization(TestStores.organization(id))
            }
            #expect(later?.code == .readOnly)
        }
        #expect(store.organizationCount == 0)
        try? await store.close()
    }
}

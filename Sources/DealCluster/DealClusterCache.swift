import DealModel
import Foundation
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#endif

/// A node's local copy of a recent version of the cluster (every record at one revision), kept in its data
/// directory so that a restart loads it and reads only the change log after it from PostgreSQL, instead of every
/// row (Deploy/cluster.md, "Fast restarts").
///
/// The file says which cluster it is from (`dealstore.cluster.cluster_id`), its revision and a digest of the change
/// at that revision, so a start can check it against the change log: same cluster, not ahead of the counter, not
/// compacted past, and the same change at its revision (after a failover to an asynchronous standby another change
/// may hold that number). Any doubt means a full load; the cache is only ever a shortcut.
///
/// Layout (little-endian): the magic `DSNCACHE`, version 1 (u32), the cluster id (u32 length + UTF-8), the revision
/// (u64), the change digest (u64), the organization and deal counts (u32 each), every organization then every deal
/// as u32 length + protobuf bytes, and an FNV-1a 64 of everything before it. Written to a temporary file, flushed
/// and renamed over the old one, so a crash leaves the old cache or the new one.
struct DealClusterCache: Sendable {
    static let fileName = "node-cache"
    static let magic = Array("DSNCACHE".utf8)
    static let version: UInt32 = 1

    var clusterID: String
    var revision: UInt64
    /// FNV-1a 64 of the serialized change event at ``revision`` in `dealstore.changes` (0 at revision 0).
    var changeDigest: UInt64
    var organizations: [Dealstore_V1_Organization]
    /// The deals in protobuf binary form, as ``DealStore/open(replicaOf:revision:organizations:deals:options:logger:)``
    /// takes them.
    var deals: [[UInt8]]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func fnv1a(_ bytes: some Sequence<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    /// Writes the cache into `directory` (created if missing), replacing the previous one atomically.
    func save(in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + self.deals.reduce(0) { $0 + $1.count + 4 } + self.organizations.count * 256)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func append64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func appendBlob(_ blob: [UInt8]) throws {
            guard let length = UInt32(exactly: blob.count) else { throw Failure(description: "a record over 4 GiB") }
            append32(length)
            bytes.append(contentsOf: blob)
        }
        bytes.append(contentsOf: Self.magic)
        append32(Self.version)
        try appendBlob(Array(self.clusterID.utf8))
        append64(self.revision)
        append64(self.changeDigest)
        append32(UInt32(clamping: self.organizations.count))
        append32(UInt32(clamping: self.deals.count))
        for organization in self.organizations { try appendBlob(try organization.serializedBytes()) }
        for deal in self.deals { try appendBlob(deal) }
        append64(Self.fnv1a(bytes))
        let path = directory + "/" + Self.fileName
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot create \(temporary): errno \(errno)") }
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return fsync(fd) == 0
        }
        let saved = errno
        close(fd)
        guard ok else {
            unlink(temporary)
            throw Failure(description: "cannot write \(temporary): errno \(saved)")
        }
        guard rename(temporary, path) == 0 else {
            let failed = errno
            unlink(temporary)
            throw Failure(description: "cannot rename \(temporary) to \(path): errno \(failed)")
        }
    }

    /// Reads the cache in `directory`; nil when there is none. Throws when one is there but unreadable (the
    /// caller logs why and loads everything from PostgreSQL).
    static func load(from directory: String) throws -> DealClusterCache? {
        let path = directory + "/" + Self.fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read \(path)")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= Self.magic.count + 8, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw Failure(description: "\(path) is not a node cache")
        }
        let body = bytes[..<(bytes.count - 8)]
        var stored: UInt64 = 0
        for index in 0..<8 { stored |= UInt64(bytes[body.count + index]) << (8 * UInt64(index)) }
        guard stored == Self.fnv1a(body) else {
            throw Failure(description: "\(path) fails its checksum (a torn or damaged file)")
        }
        var offset = Self.magic.count
        func read64() throws -> UInt64 {
            guard offset + 8 <= body.count else { throw Failure(description: "\(path) is truncated") }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            offset += 8
            return value
        }
        func read32() throws -> UInt32 {
            guard offset + 4 <= body.count else { throw Failure(description: "\(path) is truncated") }
            var value: UInt32 = 0
            for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
            offset += 4
            return value
        }
        func readBlob() throws -> [UInt8] {
            let length = Int(try read32())
            guard length <= body.count - offset else { throw Failure(description: "\(path) is truncated") }
            defer { offset += length }
            return Array(bytes[offset..<(offset + length)])
        }
        let version = try read32()
        guard version == Self.version else {
            throw Failure(description: "\(path) is version \(version) of the node cache, this dealsd reads 1")
        }
        let clusterID = String(decoding: try readBlob(), as: UTF8.self)
        let revision = try read64()
        let digest = try read64()
        let organizationCount = Int(try read32())
        let dealCount = Int(try read32())
        var organizations: [Dealstore_V1_Organization] = []
        organizations.reserveCapacity(min(organizationCount, 1 << 20))
        for _ in 0..<organizationCount {
            organizations.append(try Dealstore_V1_Organization(serializedBytes: try readBlob()))
        }
        var deals: [[UInt8]] = []
        deals.reserveCapacity(min(dealCount, 1 << 24))
        for _ in 0..<dealCount { deals.append(try readBlob()) }
        return DealClusterCache(
            clusterID: clusterID,
            revision: revision,
            changeDigest: digest,
            organizations: organizations,
            deals: deals
        )
    }
}

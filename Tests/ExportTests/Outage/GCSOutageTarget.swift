import Foundation
import Synchronization

@testable import Export

/// `type = "gcs"` (JSON API, static token) against gcp-storage-emulator storing on disk (`STORAGE_BASE`), so the
/// emulator started again on the same port serves the objects it had. The emulator keeps no request log: uploads
/// are not counted, the store's contents are.
final class GCSOutageTarget: OutageTarget {
    let targetID = "gcs"
    static let port = 27810
    static let bucket = "outage"
    static let prefix = "n1"

    private let folder: TestDirectory
    private let emulator = Mutex<PeerProcess?>(nil)

    init() throws {
        folder = try TestDirectory("outage-gcs")
    }

    private var base: String { "http://127.0.0.1:\(Self.port)" }

    private func launch() async throws {
        let process = try PeerProcess(
            executable: PeerProcess.venvTool("gcp-storage-emulator"), arguments: ["start", "-H", "127.0.0.1", "--port", String(Self.port), "-q"],
            environment: ["STORAGE_BASE": folder.path], port: Self.port
        )
        emulator.withLock { $0 = process }
        try await process.waitUntilListening(timeout: OutageScenario.deadline)
    }

    func start() async throws {
        try await launch()
        let reply = try await HTTPTransport().send(
            "POST", "\(base)/storage/v1/b", headers: [("Content-Type", "application/json")],
            body: Array(#"{"name":"\#(Self.bucket)"}"#.utf8), timeout: .seconds(20), what: "create bucket"
        )
        guard reply.isSuccess else { throw PeerError("bucket creation failed: \(reply.status)") }
    }

    func stop() async throws {
        emulator.withLock { $0 }?.stop()
    }

    func restart() async throws {
        try await launch()
    }

    func makeExporter() throws -> any FileExporter {
        try GCSExporter(
            targetID: targetID,
            configuration: GCSConfiguration(
                endpoint: base, bucket: Self.bucket, prefix: Self.prefix, authorization: .token("ya29.outage-token"), requestTimeout: .seconds(10)
            )
        )
    }

    func storedName(of file: ExportFile) -> String { file.objectKey(prefix: Self.prefix) }

    func storedObjects() async throws -> [String: String] {
        let listing = try await HTTPTransport().send(
            "GET", "\(base)/storage/v1/b/\(Self.bucket)/o?maxResults=1000", headers: [], timeout: .seconds(20), what: "list"
        )
        guard listing.isSuccess, let object = try JSONSerialization.jsonObject(with: Data(listing.body)) as? [String: Any] else {
            throw PeerError("list failed: \(listing.status)")
        }
        guard object["nextPageToken"] == nil else { throw PeerError("listing has more pages") }
        var objects: [String: String] = [:]
        for item in object["items"] as? [[String: Any]] ?? [] {
            guard let name = item["name"] as? String else { continue }
            let reply = try await HTTPTransport().send(
                "GET", "\(base)/storage/v1/b/\(Self.bucket)/o/\(URIEncoding.encode(name))?alt=media", headers: [],
                timeout: .seconds(20), maxReplyBytes: 16 << 20, what: "download"
            )
            guard reply.isSuccess else { throw PeerError("download of \(name) failed: \(reply.status)") }
            objects[name] = ClosedFileFixture.sha256Hex(reply.body)
        }
        return objects
    }

    func uploadCounts() async throws -> [String: Int]? { nil }

    func tearDown() async {
        emulator.withLock { $0 }?.stop()
        folder.remove()
    }
}

import Foundation
import Synchronization

@testable import Export

/// `type = "s3"` against moto_server. moto keeps objects in memory, so a killed moto would return empty; its
/// recorder (`MOTO_ENABLE_RECORDING`) appends every request to a file, and replaying that file after the restart
/// gives the same store back, as a real S3 would still have it. The same file says how many PUTs reached each key.
final class S3OutageTarget: OutageTarget {
    let targetID = "s3"
    static let port = 27800
    static let bucket = "cdr-archive"
    static let prefix = "outage"

    private let folder: TestDirectory
    private let moto = Mutex<PeerProcess?>(nil)

    init() throws {
        folder = try TestDirectory("outage-moto")
    }

    private var recording: String { folder.path + "/recording.jsonl" }

    private func exporter() throws -> S3Exporter {
        try S3Exporter(
            targetID: targetID,
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(Self.port)", region: "us-east-1", bucket: Self.bucket, prefix: Self.prefix, pathStyle: true,
                credentials: AWSCredentials(accessKeyID: "AKIDOUTAGE", secretAccessKey: "outage-secret"), requestTimeout: .seconds(10)
            )
        )
    }

    private func launch() async throws {
        let process = try PeerProcess(
            executable: PeerProcess.venvTool("moto_server"), arguments: ["-H", "127.0.0.1", "-p", String(Self.port)],
            environment: ["MOTO_ENABLE_RECORDING": "True", "MOTO_RECORDER_FILEPATH": recording], port: Self.port
        )
        moto.withLock { $0 = process }
        try await process.waitUntilListening(timeout: OutageScenario.deadline)
    }

    func start() async throws {
        try await launch()
        try await exporter().createBucket()
    }

    func stop() async throws {
        moto.withLock { $0 }?.stop()
    }

    func restart() async throws {
        try await launch()
        let reply = try await HTTPTransport().send(
            "POST", "http://127.0.0.1:\(Self.port)/moto-api/recorder/replay-recording", headers: [], body: [],
            timeout: OutageScenario.deadline, what: "moto replay"
        )
        guard reply.isSuccess else { throw PeerError("moto replay failed: HTTP \(reply.status)") }
    }

    func makeExporter() throws -> any FileExporter { try exporter() }

    func storedName(of file: ExportFile) -> String { file.objectKey(prefix: Self.prefix) }

    func storedObjects() async throws -> [String: String] {
        let client = try exporter()
        let listing = try await client.send(
            "GET", key: "", query: [("list-type", "2"), ("prefix", Self.prefix + "/")], headers: [], body: nil,
            payloadHash: S3Exporter.emptyHash, what: "S3 list"
        )
        guard listing.isSuccess else { throw PeerError("S3 list: HTTP \(listing.status)") }
        let text = String(decoding: listing.body, as: UTF8.self)
        guard XMLText.firstValue(of: "IsTruncated", in: text) == "false" else { throw PeerError("S3 list is truncated") }
        var objects: [String: String] = [:]
        for key in XMLText.values(of: "Key", in: text) {
            let reply = try await client.send(
                "GET", key: key, query: [], headers: [], body: nil, payloadHash: S3Exporter.emptyHash, maxReplyBytes: 16 << 20, what: "S3 GET"
            )
            guard reply.isSuccess else { throw PeerError("S3 GET \(key): HTTP \(reply.status)") }
            objects[key] = ClosedFileFixture.sha256Hex(reply.body)
        }
        return objects
    }

    /// PUTs of an object (no query: not a bucket call, not a multipart part) per key, from moto's recording.
    func uploadCounts() async throws -> [String: Int]? {
        let base = "http://127.0.0.1:\(Self.port)/\(Self.bucket)/"
        var counts: [String: Int] = [:]
        for line in try String(contentsOfFile: recording, encoding: .utf8).split(separator: "\n") {
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                entry["method"] as? String == "PUT", let url = entry["url"] as? String, url.hasPrefix(base), !url.contains("?"),
                let key = String(url.dropFirst(base.count)).removingPercentEncoding
            else { continue }
            counts[key, default: 0] += 1
        }
        return counts
    }

    func tearDown() async {
        moto.withLock { $0 }?.stop()
        folder.remove()
    }
}

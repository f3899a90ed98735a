import Foundation
import Synchronization

@testable import Export

/// `type = "azure"` (Shared Key) against the in-test Blob service that checks signatures and `Content-MD5`. The
/// service's blobs live in this object; the outage closes its HTTP listener, the return opens a new one on the same
/// port over the same blobs. Every Put Blob the service accepted is counted per blob.
final class AzureOutageTarget: OutageTarget {
    let targetID = "azure"
    static let port = 27820
    static let container = "cdrs"
    static let prefix = "n1"

    private let service: FakeBlobService
    private let server = Mutex<MiniHTTPServer?>(nil)
    private let accepted = Mutex<[String: Int]>([:])

    init() throws {
        service = try FakeBlobService(account: "devstoreaccount1", key: AzureBlobExporterTests.key, sasSignature: "unused")
    }

    private var blobRoot: String { "/devstoreaccount1/\(Self.container)/" }

    func start() async throws {
        try await restart()
    }

    func stop() async throws {
        await server.withLock { $0 }?.stop()
    }

    func restart() async throws {
        let listener = try await MiniHTTPServer(port: Self.port) { [self] request in
            let response = service.handle(request)
            let isPutBlob = request.method == "PUT" && !request.query.contains("comp=") && !request.query.contains("restype=")
            if isPutBlob && response.status == 201 {
                accepted.withLock { $0[request.path, default: 0] += 1 }
            }
            return response
        }
        server.withLock { $0 = listener }
    }

    func makeExporter() throws -> any FileExporter {
        try AzureBlobExporterTests.exporter(port: Self.port, authorization: .sharedKey(AzureBlobExporterTests.key), blockThreshold: 64 << 20)
    }

    func storedName(of file: ExportFile) -> String { blobRoot + file.objectKey(prefix: Self.prefix) }

    func storedObjects() async throws -> [String: String] {
        service.blobs.mapValues { ClosedFileFixture.sha256Hex($0.data) }
    }

    func uploadCounts() async throws -> [String: Int]? {
        accepted.withLock { $0 }
    }

    func tearDown() async {
        await server.withLock { $0 }?.stop()
    }
}

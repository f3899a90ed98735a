import Foundation
import Testing

@testable import Export

@Suite("Azure Blob exporter (local server checking Shared Key)")
struct AzureBlobExporterTests {
    static let key = AzureSharedKeyTests.developmentKey

    static func exporter(port: Int, authorization: AzureAuthorization, blockThreshold: Int64 = 1 << 20) throws -> AzureBlobExporter {
        try AzureBlobExporter(
            targetID: "azure",
            configuration: AzureBlobConfiguration(
                endpoint: "http://127.0.0.1:\(port)/devstoreaccount1", account: "devstoreaccount1", container: "cdrs", prefix: "n1",
                authorization: authorization, blockThreshold: blockThreshold, blockSize: 256 << 10, requestTimeout: .seconds(10)
            )
        )
    }

    static func file(_ data: TestDirectory, size: Int, seed: Int) throws -> ExportFile {
        let path = try ClosedFileFixture.write(
            data: data.path, kind: "cdr", name: "cdr-n1-\(seed).jsonl", bytes: ClosedFileFixture.lines(count: size, seed: seed)
        )
        guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "cdr") else { throw PeerError("fixture not ready") }
        return checked.file
    }

    @Test("Put Blob and Put Block + Put Block List with Shared Key; properties verified; wrong key is an auth error")
    func sharedKey() async throws {
        let data = try TestDirectory("azure")
        defer { data.remove() }
        let service = try FakeBlobService(account: "devstoreaccount1", key: Self.key, sasSignature: "unused")
        let server = try await MiniHTTPServer(port: 27710) { service.handle($0) }
        defer { Task { await server.stop() } }
        let exporter = try Self.exporter(port: 27710, authorization: .sharedKey(Self.key))
        try await exporter.createContainer()

        let small = try Self.file(data, size: 5_000, seed: 1)
        let receipt = try await exporter.export(small)
        #expect(receipt.location.hasSuffix("/devstoreaccount1/cdrs/n1/\(small.datePartition)/cdr/cdr-n1-1.jsonl"))
        let stored = try #require(service.blobs["/devstoreaccount1/cdrs/" + small.objectKey(prefix: "n1")])
        #expect(stored.data == Array(try Data(contentsOf: URL(fileURLWithPath: small.path))))
        #expect(service.blobs["/devstoreaccount1/cdrs/" + small.manifestObjectKey(prefix: "n1")] != nil)

        let large = try Self.file(data, size: (1 << 20) + 300_000, seed: 2)
        _ = try await exporter.export(large)
        let assembled = try #require(service.blobs["/devstoreaccount1/cdrs/" + large.objectKey(prefix: "n1")])
        #expect(assembled.data == Array(try Data(contentsOf: URL(fileURLWithPath: large.path))))
        #expect(service.requests.filter { $0 == "PUT block" }.count == 6)
        #expect(service.requests.contains("PUT blocklist"))

        let wrong = try Self.exporter(port: 27710, authorization: .sharedKey(Data(repeating: 7, count: 64).base64EncodedString()))
        do {
            _ = try await wrong.export(small)
            Issue.record("a wrong key was accepted")
        } catch {
            #expect(error.code == .authentication)
            #expect(!error.retryable)
            #expect(!error.description.contains(Self.key))
        }
    }

    @Test("a SAS token goes in the query instead of a signature")
    func sasToken() async throws {
        let data = try TestDirectory("azure")
        defer { data.remove() }
        let service = try FakeBlobService(account: "devstoreaccount1", key: Self.key, sasSignature: "s1gn4ture=")
        let server = try await MiniHTTPServer(port: 27711) { service.handle($0) }
        defer { Task { await server.stop() } }
        let exporter = try Self.exporter(port: 27711, authorization: .sasToken("?sv=2021-08-06&sp=cw&sig=s1gn4ture%3D"))
        let file = try Self.file(data, size: 2_000, seed: 3)
        let receipt = try await exporter.export(file)
        #expect(receipt.verifiedBy.contains("content-md5"))
        #expect(service.blobs.count == 2)
    }
}

import Foundation
import Testing

@testable import Export

@Suite("GCS exporter", .serialized)
struct GCSExporterTests {
    static let emulatorPort = 27750
    static let tokenPort = 27720

    @Test("the service-account JWT is RS256 over the claims Google expects; openssl verifies it with the public key")
    func jwtSignature() async throws {
        let endpoint = TokenEndpoint()
        let server = try await MiniHTTPServer(port: Self.tokenPort) { endpoint.handle($0) }
        defer { Task { await server.stop() } }
        let fixture = try ServiceAccountFixture(tokenURI: "http://127.0.0.1:\(Self.tokenPort)/token")
        defer { fixture.directory.remove() }
        let source = try ServiceAccountTokenSource(path: fixture.keyFile, transport: HTTPTransport(), now: { 1_700_000_000 })
        #expect(try await source.token() == TokenEndpoint.token)
        #expect(try await source.token() == TokenEndpoint.token)
        #expect(endpoint.received.count == 1, "a token is reused until it nears expiry")
        let jwt = try #require(endpoint.received.first)
        #expect(try fixture.verify(jwt: jwt))
        #expect(try !fixture.verify(jwt: jwt.replacingOccurrences(of: ".", with: ".e", options: [], range: jwt.range(of: "."))))
        let parts = jwt.split(separator: ".")
        let header = try #require(ServiceAccountFixture.base64URLDecode(parts[0]))
        let claimBytes = try #require(ServiceAccountFixture.base64URLDecode(parts[1]))
        let claims = try #require(try JSONSerialization.jsonObject(with: claimBytes) as? [String: Any])
        #expect(String(decoding: header, as: UTF8.self) == #"{"alg":"RS256","typ":"JWT"}"#)
        #expect(claims["iss"] as? String == "exporter@sipswarm-test.iam.gserviceaccount.com")
        #expect(claims["aud"] as? String == "http://127.0.0.1:\(Self.tokenPort)/token")
        #expect(claims["scope"] as? String == ServiceAccountTokenSource.scope)
        #expect((claims["exp"] as? NSNumber)?.int64Value == 1_700_003_600)
    }

    static func startEmulator() async throws -> PeerProcess {
        let emulator = try PeerProcess(
            executable: PeerProcess.venvTool("gcp-storage-emulator"),
            arguments: ["start", "-H", "127.0.0.1", "--port", String(emulatorPort), "--in-memory"], port: emulatorPort
        )
        try await emulator.waitUntilListening()
        let reply = try await HTTPTransport().send(
            "POST", "http://127.0.0.1:\(emulatorPort)/storage/v1/b", headers: [("Content-Type", "application/json")],
            body: Array(#"{"name":"exports"}"#.utf8), timeout: .seconds(10), what: "create bucket"
        )
        guard reply.isSuccess || reply.status == 409 else { throw PeerError("bucket creation failed: \(reply.status)") }
        return emulator
    }

    static func download(_ name: String) async throws -> [UInt8] {
        let reply = try await HTTPTransport().send(
            "GET", "http://127.0.0.1:\(emulatorPort)/storage/v1/b/exports/o/\(URIEncoding.encode(name))?alt=media", headers: [],
            timeout: .seconds(10), maxReplyBytes: 16 << 20, what: "download"
        )
        guard reply.isSuccess else { throw PeerError("download of \(name) failed: \(reply.status)") }
        return reply.body
    }

    @Test("JSON API with a service account: multipart for a small file, resumable for a large one; XML API with HMAC")
    func emulatorUploads() async throws {
        let emulator = try await Self.startEmulator()
        defer { emulator.stop() }
        let endpoint = TokenEndpoint()
        let server = try await MiniHTTPServer(port: Self.tokenPort + 1) { endpoint.handle($0) }
        defer { Task { await server.stop() } }
        let fixture = try ServiceAccountFixture(tokenURI: "http://127.0.0.1:\(Self.tokenPort + 1)/token")
        defer { fixture.directory.remove() }
        let data = try TestDirectory("gcs")
        defer { data.remove() }

        let exporter = try GCSExporter(
            targetID: "gcs",
            configuration: GCSConfiguration(
                endpoint: "http://127.0.0.1:\(Self.emulatorPort)", bucket: "exports", prefix: "sa",
                authorization: .serviceAccountFile(fixture.keyFile), resumableThreshold: 256 << 10, chunkSize: 256 << 10,
                requestTimeout: .seconds(20)
            )
        )
        for (size, seed) in [(20_000, 1), (700_000, 2)] {
            let path = try ClosedFileFixture.write(
                data: data.path, kind: "cdr", name: "cdr-n1-\(seed).jsonl", bytes: ClosedFileFixture.lines(count: size, seed: seed)
            )
            guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "cdr") else { throw PeerError("fixture") }
            let receipt = try await exporter.export(checked.file)
            #expect(receipt.location == "gs://exports/" + checked.file.objectKey(prefix: "sa"))
            #expect(try await Self.download(checked.file.objectKey(prefix: "sa")) == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(try await Self.download(checked.file.manifestObjectKey(prefix: "sa")) == Array(try Data(contentsOf: URL(fileURLWithPath: path + ".manifest.json"))))
        }
        #expect(endpoint.received.count == 1)

        let hmac = try GCSExporter(
            targetID: "gcs-hmac",
            configuration: GCSConfiguration(
                endpoint: "http://127.0.0.1:\(Self.emulatorPort)", bucket: "exports", prefix: "hmac",
                authorization: .hmac(accessID: "GOOG1TESTID", secret: "test-secret"), requestTimeout: .seconds(20)
            )
        )
        let path = try ClosedFileFixture.write(data: data.path, kind: "audit", name: "audit-n1-1.jsonl", bytes: ClosedFileFixture.lines(count: 30_000, seed: 3))
        guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "audit") else { throw PeerError("fixture") }
        let receipt = try await hmac.export(checked.file)
        #expect(receipt.verifiedBy.contains("XML"))
        #expect(try await Self.download(checked.file.objectKey(prefix: "hmac")) == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}

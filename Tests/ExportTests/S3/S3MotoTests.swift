import Foundation
import Logging
import Testing

@testable import Export

/// S3 against a real moto_server (scripts/install-test-deps.sh), with signature checking switched on as moto allows:
/// the first three unauthenticated calls create an IAM user, its `s3:*` policy and an access key.
@Suite("S3 exporter (moto)", .serialized)
struct S3MotoTests {
    static let authPort = 27700
    static let outagePort = 27701

    static func startMoto(port: Int, enforceSignatures: Bool) async throws -> PeerProcess {
        let moto = try PeerProcess(
            executable: PeerProcess.venvTool("moto_server"), arguments: ["-H", "127.0.0.1", "-p", String(port)],
            environment: enforceSignatures ? ["INITIAL_NO_AUTH_ACTION_COUNT": "3"] : [:], port: port
        )
        try await moto.waitUntilListening()
        return moto
    }

    /// One IAM Query API call (moto routes it by the credential scope's service).
    static func iam(port: Int, _ parameters: [(String, String)]) async throws -> String {
        let body = Array(URIEncoding.query(parameters + [("Version", "2010-05-08")]).utf8)
        let hash = ClosedFileFixture.sha256Hex(body)
        let headers = [("host", "127.0.0.1:\(port)"), ("content-type", "application/x-www-form-urlencoded")]
        let signed = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKIDBOOTSTRAP", secretAccessKey: "bootstrap"), region: "us-east-1", service: "iam")
            .sign(.init(method: "POST", path: "/", query: [], headers: headers, payloadHash: hash), epochSeconds: Int64(Date().timeIntervalSince1970))
        let reply = try await HTTPTransport().send(
            "POST", "http://127.0.0.1:\(port)/", headers: headers.filter { $0.0 != "host" } + signed.headers, body: body,
            timeout: .seconds(20), what: "IAM"
        )
        guard reply.isSuccess else { throw PeerError("IAM \(parameters[0].1) failed: HTTP \(reply.status)") }
        return String(decoding: reply.body, as: UTF8.self)
    }

    static func exporter(port: Int, credentials: AWSCredentials, threshold: Int64 = 6 << 20) throws -> S3Exporter {
        try S3Exporter(
            targetID: "s3",
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(port)", region: "us-east-1", bucket: "cdr-archive", prefix: "node1", pathStyle: true,
                credentials: credentials, multipartThreshold: threshold, partSize: S3Configuration.minimumPartSize, requestTimeout: .seconds(30)
            )
        )
    }

    static func stored(_ exporter: S3Exporter, key: String, size: Int) async throws -> [UInt8] {
        let reply = try await exporter.send(
            "GET", key: key, query: [], headers: [], body: nil, payloadHash: S3Exporter.emptyHash, maxReplyBytes: size + 1, what: "GET"
        )
        guard reply.isSuccess else { throw PeerError("GET \(key): HTTP \(reply.status)") }
        return reply.body
    }

    @Test("signed PUT and multipart upload arrive intact; a wrong secret is a typed authentication error")
    func signedUploads() async throws {
        let moto = try await Self.startMoto(port: Self.authPort, enforceSignatures: true)
        defer { moto.stop() }
        _ = try await Self.iam(port: Self.authPort, [("Action", "CreateUser"), ("UserName", "exporter")])
        _ = try await Self.iam(port: Self.authPort, [
            ("Action", "PutUserPolicy"), ("UserName", "exporter"), ("PolicyName", "s3-all"),
            ("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
        ])
        let keys = try await Self.iam(port: Self.authPort, [("Action", "CreateAccessKey"), ("UserName", "exporter")])
        let credentials = AWSCredentials(
            accessKeyID: try #require(XMLText.firstValue(of: "AccessKeyId", in: keys)),
            secretAccessKey: try #require(XMLText.firstValue(of: "SecretAccessKey", in: keys))
        )
        let exporter = try Self.exporter(port: Self.authPort, credentials: credentials)
        try await exporter.createBucket()

        let data = try TestDirectory("s3")
        defer { data.remove() }
        for (size, seed) in [(40_000, 1), ((11 << 20) + 12_345, 2)] {
            let path = try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-\(seed).jsonl", bytes: ClosedFileFixture.lines(count: size, seed: seed))
            guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "cdr") else { throw PeerError("fixture") }
            let receipt = try await exporter.export(checked.file)
            #expect(receipt.location == "s3://cdr-archive/node1/\(checked.file.datePartition)/cdr/cdr-n1-\(seed).jsonl")
            #expect(receipt.verifiedBy.contains(size > 6 << 20 ? "part checksums" : "x-amz-checksum-sha256"))
            #expect(try await Self.stored(exporter, key: checked.file.objectKey(prefix: "node1"), size: size) == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            // Idempotent: the same file again lands under the same key.
            _ = try await exporter.export(checked.file)
        }

        let wrong = try Self.exporter(port: Self.authPort, credentials: AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: "not-the-secret"))
        let path = try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-3.jsonl", bytes: ClosedFileFixture.lines(count: 1_000, seed: 3))
        guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "cdr") else { throw PeerError("fixture") }
        do {
            _ = try await wrong.export(checked.file)
            Issue.record("a wrong secret was accepted")
        } catch {
            #expect(error.code == .authentication)
            #expect(!error.retryable)
            #expect(error.reason.contains("SignatureDoesNotMatch"))
            #expect(!error.description.contains("not-the-secret"))
        }
    }

    @Test("a target that refuses connections, then comes up, gets the file after retries")
    func outageThenRecovery() async throws {
        let data = try TestDirectory("s3-outage")
        defer { data.remove() }
        let path = try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-1.jsonl", bytes: ClosedFileFixture.lines(count: 30_000, seed: 7))
        let credentials = AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: "secret")
        let exporter = try Self.exporter(port: Self.outagePort, credentials: credentials)
        let service = try ExportService(
            dataDirectory: data.path, targets: [ExportTarget(exporter: exporter, kinds: ["cdr"])],
            policy: ExportPolicy(retryBase: .milliseconds(100), retryMax: .milliseconds(400), scanInterval: .seconds(30)),
            logger: Logger(label: "test.export.s3")
        )
        let running = Task { try await service.run() }
        try await Task.sleep(for: .milliseconds(700))
        #expect(await service.queue.backlog().first?.files == 1, "nothing listens yet: the file stays queued")
        let moto = try await Self.startMoto(port: Self.outagePort, enforceSignatures: false)
        defer { moto.stop() }
        try await exporter.createBucket()
        #expect(await eventually(timeout: .seconds(60)) { await service.queue.isDone(target: "s3", kind: "cdr", file: "cdr-n1-1.jsonl") })
        running.cancel()
        _ = try? await running.value
        guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "cdr") else { throw PeerError("fixture") }
        #expect(try await Self.stored(exporter, key: checked.file.objectKey(prefix: "node1"), size: 30_000) == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}

import AsyncHTTPClient
import Foundation
import Testing

@testable import Export

/// Virtual-hosted S3 addressing (`path_style = false`) against moto_server with signature checking: the bucket is
/// only in the Host header (`<bucket>.localhost:<port>`), never in the path, and moto routes by that header as S3
/// does. `ConnectTunnel` carries the connection, since nothing here resolves `<bucket>.localhost`.
@Suite("S3 virtual-hosted addressing (moto)", .serialized)
struct S3VirtualHostedTests {
    static let motoPort = 27830
    static let tunnelPort = 27831
    static let bucket = "vhost-archive"

    static func exporter(pathStyle: Bool, credentials: AWSCredentials, transport: HTTPTransport = HTTPTransport()) throws -> S3Exporter {
        try S3Exporter(
            targetID: "s3-vhost",
            configuration: S3Configuration(
                endpoint: "http://localhost:\(motoPort)", region: "us-east-1", bucket: bucket, prefix: "node1", pathStyle: pathStyle,
                credentials: credentials, requestTimeout: .seconds(30)
            ),
            transport: transport
        )
    }

    @Test("a file goes up under <bucket>.localhost, signed over that host; path-style reads the same bytes back")
    func virtualHostedUpload() async throws {
        let moto = try await S3MotoTests.startMoto(port: Self.motoPort, enforceSignatures: true)
        defer { moto.stop() }
        _ = try await S3MotoTests.iam(port: Self.motoPort, [("Action", "CreateUser"), ("UserName", "vhost")])
        _ = try await S3MotoTests.iam(port: Self.motoPort, [
            ("Action", "PutUserPolicy"), ("UserName", "vhost"), ("PolicyName", "s3-all"),
            ("PolicyDocument", #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
        ])
        let keys = try await S3MotoTests.iam(port: Self.motoPort, [("Action", "CreateAccessKey"), ("UserName", "vhost")])
        let credentials = AWSCredentials(
            accessKeyID: try #require(XMLText.firstValue(of: "AccessKeyId", in: keys)),
            secretAccessKey: try #require(XMLText.firstValue(of: "SecretAccessKey", in: keys))
        )
        let tunnel = try await ConnectTunnel(port: Self.tunnelPort, upstreamPort: Self.motoPort)
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(proxy: .server(host: "127.0.0.1", port: Self.tunnelPort))
        )
        let data = try TestDirectory("s3-vhost")
        do {
            let virtual = try Self.exporter(pathStyle: false, credentials: credentials, transport: HTTPTransport(client: client))
            try await virtual.createBucket()
            let path = try ClosedFileFixture.write(data: data.path, kind: "cdr", name: "cdr-n1-1.jsonl", bytes: ClosedFileFixture.lines(count: 30_000, seed: 11))
            guard case .ready(let checked) = ManifestCheck.check(path: path, kind: "cdr") else { throw PeerError("fixture") }
            let receipt = try await virtual.export(checked.file)
            #expect(receipt.location == "s3://\(Self.bucket)/\(checked.file.objectKey(prefix: "node1"))")

            // Every request asked for the bucket's own host; none went to the bare endpoint.
            #expect(!tunnel.authorities.isEmpty)
            #expect(tunnel.authorities.allSatisfy { $0 == "\(Self.bucket).localhost:\(Self.motoPort)" }, "\(tunnel.authorities)")

            // Path-style, straight to moto: the object is in that bucket under the prefixed key, byte for byte.
            let direct = try Self.exporter(pathStyle: true, credentials: credentials)
            let key = checked.file.objectKey(prefix: "node1")
            let reply = try await direct.send(
                "GET", key: key, query: [], headers: [], body: nil, payloadHash: S3Exporter.emptyHash, maxReplyBytes: 1 << 20, what: "GET"
            )
            #expect(reply.status == 200)
            #expect(reply.body == Array(try Data(contentsOf: URL(fileURLWithPath: path))))

            // moto checks the signature over the Host it received: a wrong secret is refused the same way.
            let wrong = try Self.exporter(
                pathStyle: false, credentials: AWSCredentials(accessKeyID: credentials.accessKeyID, secretAccessKey: "not-the-secret"),
                transport: HTTPTransport(client: client)
            )
            do {
                _ = try await wrong.export(checked.file)
                Issue.record("a wrong secret was accepted")
            } catch {
                #expect(error.code == .authentication)
            }
        } catch {
            data.remove()
            try? await client.shutdown()
            await tunnel.stop()
            throw error
        }
        data.remove()
        try await client.shutdown()
        await tunnel.stop()
    }
}

import Foundation
import NIOCore
import Testing
@testable import NATS

extension NATSIntegrationTests {
    /// TLS against a real nats-server with a throw-away self-signed certificate (IP SAN 127.0.0.1).
    @Suite(.serialized) struct TLS {
        /// Writes a certificate and key with `openssl` into `directory`; returns (cert, key) paths.
        static func makeCertificate(in directory: URL) throws -> (cert: String, key: String) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let cert = directory.appendingPathComponent("cert.pem").path
            let key = directory.appendingPathComponent("key.pem").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw DeadlineExceeded(what: "openssl to make a test certificate (exit \(process.terminationStatus))")
            }
            return (cert, key)
        }

        @Test func tlsURLWithCustomCAConnectsAndWrongCAIsATLSFailure() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipswarm-nats-tls-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let (cert, key) = try Self.makeCertificate(in: directory)
            let server = NATSServerProcess(
                port: 26721, jetStream: false, extraArguments: ["--tls", "--tlscert", cert, "--tlskey", key])
            try await server.start()
            defer { server.stop() }

            var options = testOptions()
            options.tls.caFile = cert
            let client = try await NATSClient.connect(urls: ["tls://127.0.0.1:26721"], options: options)
            #expect(client.serverInfo?.tlsRequired == true)
            let collector = Collector(try client.subscribe(to: "secure"))
            try await client.publish("secure", payload: ByteBuffer(string: "over tls"))
            #expect(try await collector.wait(for: 1).first?.string == "over tls")
            await client.close()

            // The server requires TLS: a nats:// URL upgrades too (INFO tls_required).
            let upgraded = try await NATSClient.connect(urls: ["nats://127.0.0.1:26721"], options: options)
            try await upgraded.flush()
            await upgraded.close()

            // Without our CA the system roots do not trust the certificate.
            do {
                _ = try await NATSClient.connect(urls: ["tls://127.0.0.1:26721"], options: testOptions())
                Issue.record("an untrusted certificate must not connect")
            } catch {
                #expect(error.code == .tlsFailure)
            }
            // A CA file that does not exist fails before any connection.
            var missing = testOptions()
            missing.tls.caFile = directory.appendingPathComponent("nope.pem").path
            await #expect(throws: NATSError(.tlsFailure, reason: "")) {
                _ = try await NATSClient.connect(urls: ["tls://127.0.0.1:26721"], options: missing)
            }
        }
    }
}

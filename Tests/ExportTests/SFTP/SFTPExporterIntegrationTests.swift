import Crypto
import Export
import Foundation
import NIOCore
import Synchronization
import Testing

/// The exporter against a real OpenSSH sshd on loopback (see `SFTPTestServer`).
@Suite("SFTP exporter against a real sshd", .serialized)
struct SFTPExporterIntegrationTests {
    private func exporter(
        _ server: SFTPTestServer,
        credential: SFTPExporterConfiguration.Credential? = nil,
        knownHosts: String? = nil,
        progress: (@Sendable (String, Int64) async -> Void)? = nil
    ) -> SFTPExporter {
        SFTPExporter(
            targetID: "sftp-test",
            configuration: SFTPExporterConfiguration(
                host: "127.0.0.1", port: server.port, user: SFTPTestServer.user,
                credential: credential ?? .privateKeyFile(server.clientKey),
                knownHostsFile: knownHosts ?? server.knownHosts, remoteDirectory: server.remoteDirectory + "/archive",
                connectTimeout: .seconds(15), requestTimeout: .seconds(15)
            ),
            progress: progress
        )
    }

    private func remote(_ server: SFTPTestServer, _ relative: String) -> String {
        server.remoteDirectory + "/archive/" + relative
    }

    private func expectArrived(_ server: SFTPTestServer, _ fixture: SFTPExportFixture) throws {
        let stored = try Data(contentsOf: URL(fileURLWithPath: remote(server, fixture.file.relativeName)))
        #expect(stored == fixture.bytes)
        let manifest = try Data(contentsOf: URL(fileURLWithPath: remote(server, "cdr/" + fixture.manifestName)))
        #expect(manifest == (try Data(contentsOf: URL(fileURLWithPath: fixture.file.manifestPath))))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: remote(server, "cdr")).filter { $0.hasSuffix(".part") }
        #expect(leftovers.isEmpty)
    }

    private func expectExportError(
        _ code: ExportError.Code, retryable: Bool, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("export succeeded; expected \(code)", sourceLocation: sourceLocation)
        } catch let error as ExportError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.retryable == retryable, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("Ed25519 key auth: the file and its manifest arrive, verified, without part files")
    func keyAuthentication() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 10_000)
        let receipt = try await exporter(server).export(fixture.file)
        #expect(receipt.verifiedBy == SFTPExporter.verifiedBy)
        #expect(receipt.location.hasSuffix("/archive/cdr/cdr-n1-000001.jsonl"))
        try expectArrived(server, fixture)
    }

    @Test("password auth uploads too; a wrong password is an authentication error")
    func passwordAuthentication() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 2_000)
        _ = try await exporter(server, credential: .password(server.password)).export(fixture.file)
        try expectArrived(server, fixture)
        await expectExportError(.authentication, retryable: false) {
            _ = try await exporter(server, credential: .password("wrong")).export(fixture.file)
        }
    }

    @Test("an unknown host key is refused before anything is uploaded")
    func unknownHostKey() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 1_000)
        let empty = server.directory + "/empty_known_hosts"
        try "# nothing pinned\n".write(toFile: empty, atomically: true, encoding: .utf8)
        await expectExportError(.authentication, retryable: false) {
            _ = try await exporter(server, knownHosts: empty).export(fixture.file)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.remoteDirectory).isEmpty)
    }

    @Test("a changed host key (same port pinned to another key) is refused")
    func mismatchingHostKey() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 1_000)
        let other = server.directory + "/other_host"
        try shell("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])
        let pinned = server.directory + "/pinned_other"
        let key = try String(contentsOfFile: other + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try "[127.0.0.1]:\(server.port) \(key)\n".write(toFile: pinned, atomically: true, encoding: .utf8)
        await expectExportError(.authentication, retryable: false) {
            _ = try await exporter(server, knownHosts: pinned).export(fixture.file)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.remoteDirectory).isEmpty)
    }

    @Test("a key the server does not authorize is refused")
    func wrongKey() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 1_000)
        let stranger = server.directory + "/stranger"
        try shell("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", stranger])
        await expectExportError(.authentication, retryable: false) {
            _ = try await exporter(server, credential: .privateKeyFile(stranger)).export(fixture.file)
        }
    }

    @Test("ECDSA P-256 key auth works once the key is authorized")
    func ecdsaKey() async throws {
        let server = try SFTPTestServer()
        let ecdsa = server.directory + "/client_ecdsa"
        try shell("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", ecdsa])
        try String(contentsOfFile: ecdsa + ".pub", encoding: .utf8).write(toFile: server.directory + "/authorized_keys", atomically: true, encoding: .utf8)
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 3_000)
        _ = try await exporter(server, credential: .privateKeyFile(ecdsa)).export(fixture.file)
        try expectArrived(server, fixture)
    }

    @Test("nobody listening is unreachable and retryable")
    func connectionRefused() async throws {
        let server = try SFTPTestServer()  // never started
        let fixture = try SFTPExportFixture(directory: server.directory, size: 1_000)
        await expectExportError(.unreachable, retryable: true) { _ = try await exporter(server).export(fixture.file) }
    }

    @Test("a 5 MiB file goes through pipelined writes and arrives byte-identical")
    func largeFile() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 5 * 1024 * 1024 + 123)
        _ = try await exporter(server).export(fixture.file)
        try expectArrived(server, fixture)
    }

    @Test("re-exporting an identical file uploads nothing and succeeds")
    func idempotent() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 300_000)
        _ = try await exporter(server).export(fixture.file)
        let uploads = Mutex(0)
        let again = exporter(server, progress: { _, _ in uploads.withLock { $0 += 1 } })
        _ = try await again.export(fixture.file)
        #expect(uploads.withLock { $0 } == 0)
        try expectArrived(server, fixture)
    }

    @Test("a different file under the final name is replaced")
    func replacesStale() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 20_000)
        let target = remote(server, fixture.file.relativeName)
        try FileManager.default.createDirectory(atPath: remote(server, "cdr"), withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 20_000).write(to: URL(fileURLWithPath: target))
        try shell("/usr/bin/chown", ["-R", SFTPTestServer.user, server.remoteDirectory])
        _ = try await exporter(server).export(fixture.file)
        try expectArrived(server, fixture)
    }

    @Test("a local file that no longer matches its manifest is refused, not exported")
    func localMismatch() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 5_000)
        try Data("tampered\n".utf8).write(to: URL(fileURLWithPath: fixture.file.path))
        await expectExportError(.localFile, retryable: false) { _ = try await exporter(server).export(fixture.file) }
        #expect(!FileManager.default.fileExists(atPath: remote(server, fixture.file.relativeName)))
    }

    @Test("server killed mid-upload: typed retryable error; after a restart the export succeeds")
    func serverKilledMidway() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let fixture = try SFTPExportFixture(directory: server.directory, size: 4 * 1024 * 1024)
        let killed = Mutex(false)
        let interrupted = exporter(server, progress: { _, sent in
            let first = killed.withLock { done in
                guard !done, sent >= 1024 * 1024 else { return false }
                done = true
                return true
            }
            if first { server.stop() }
        })
        await expectExportError(.unreachable, retryable: true) { _ = try await interrupted.export(fixture.file) }
        #expect(killed.withLock { $0 })
        #expect(!FileManager.default.fileExists(atPath: remote(server, fixture.file.relativeName)))

        try await server.start()
        _ = try await exporter(server).export(fixture.file)
        try expectArrived(server, fixture)
    }
}

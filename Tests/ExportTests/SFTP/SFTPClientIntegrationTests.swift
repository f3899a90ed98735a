import Foundation
import NIOCore
import SFTP
import Testing

/// The SFTP client's file operations against a real OpenSSH sshd (see `SFTPTestServer`).
@Suite("SFTP client against a real sshd", .serialized)
struct SFTPClientIntegrationTests {
    private func connect(_ server: SFTPTestServer, chunkSize: Int = 32 * 1024) async throws -> SFTPClient {
        try await SFTPClient.connect(
            SFTPClientConfiguration(
                host: "127.0.0.1", port: server.port, user: SFTPTestServer.user,
                authentication: .privateKey(path: server.clientKey), hostKeyPolicy: .knownHosts(path: server.knownHosts),
                connectTimeout: .seconds(15), requestTimeout: .seconds(15), chunkSize: chunkSize, maximumOutstandingRequests: 8
            )
        )
    }

    @Test("VERSION advertises the OpenSSH extensions the exporter relies on")
    func extensions() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let client = try await connect(server)
        #expect(client.supports("fsync@openssh.com"))
        #expect(client.supports("posix-rename@openssh.com"))
        #expect(try await client.realpath(server.remoteDirectory + "/.") == server.remoteDirectory)
        await client.close()
    }

    @Test("mkdir -p, write, read back, stat, setstat, list, rename, remove, rmdir")
    func fileOperations() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let client = try await connect(server, chunkSize: 1000)
        let base = server.remoteDirectory + "/a/b/c"
        try await client.makeDirectories(base)
        try await client.makeDirectories(base)  // existing: fine
        #expect(try await client.stat(base).isDirectory)

        let payload = ByteBuffer(bytes: (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let handle = try await client.open(base + "/f", flags: [.write, .create, .truncate])
        var writer = SFTPFileWriter(client: client, handle: handle)
        try await writer.write(payload)
        try await writer.finish()
        try await client.fsetstat(handle, attributes: SFTPAttributes(permissions: 0o600))
        #expect(try await client.fstat(handle).size == 10_000)
        try await client.close(handle)

        let reader = try await client.open(base + "/f", flags: [.read])
        var readBack = ByteBuffer()
        let count = try await client.readToEnd(reader) { chunk in
            var chunk = chunk
            readBack.writeBuffer(&chunk)
        }
        try await client.close(reader)
        #expect(count == 10_000)
        #expect(readBack == payload)
        #expect(try await client.lstat(base + "/f").permissions.map { $0 & 0o777 } == 0o600)
        try await client.setstat(base + "/f", attributes: SFTPAttributes(permissions: 0o644))
        #expect(try await client.stat(base + "/f").permissions.map { $0 & 0o777 } == 0o644)

        #expect(try await client.listDirectory(base).map(\.filename).contains("f"))
        try await client.rename(base + "/f", to: base + "/g")
        #expect(try await client.statIfExists(base + "/f") == nil)
        try await client.remove(base + "/g")
        try await client.rmdir(base)
        await client.close()
    }

    @Test("errors carry the server's status code")
    func statusErrors() async throws {
        let server = try SFTPTestServer()
        try await server.start()
        let client = try await connect(server)
        await #expect(throws: SFTPError(.status, "", status: .noSuchFile)) {
            try await client.open(server.remoteDirectory + "/missing/x", flags: [.read])
        }
        // Plain v3 RENAME refuses to overwrite; the caller sees a status error, not a crash.
        for name in ["x", "y"] {
            let handle = try await client.open(server.remoteDirectory + "/" + name, flags: [.write, .create])
            try await client.close(handle)
        }
        await #expect(throws: SFTPError.self) {
            try await client.rename(server.remoteDirectory + "/x", to: server.remoteDirectory + "/y")
        }
        await client.close()
    }
}

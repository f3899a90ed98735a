import Foundation
import NIOCore

@testable import Export

/// `type = "sftp"` against a real OpenSSH sshd (`SFTPTestServer`, its port from that server's own allocator). The
/// outage kills sshd and its session processes; the return starts it again on the same port with the same host key,
/// over the same remote folder. Part files (`.part`) left by cut uploads would count as extras.
final class SFTPOutageTarget: OutageTarget {
    let targetID = "sftp"
    private let server: SFTPTestServer

    init() throws {
        server = try SFTPTestServer()
    }

    private var archive: String { server.remoteDirectory + "/archive" }

    func start() async throws {
        try await server.start()
    }

    func stop() async throws {
        server.stop()
    }

    func restart() async throws {
        try await server.start()
    }

    func makeExporter() throws -> any FileExporter {
        SFTPExporter(
            targetID: targetID,
            configuration: SFTPExporterConfiguration(
                host: "127.0.0.1", port: server.port, user: SFTPTestServer.user, credential: .privateKeyFile(server.clientKey),
                knownHostsFile: server.knownHosts, remoteDirectory: archive, connectTimeout: .seconds(15), requestTimeout: .seconds(15)
            )
        )
    }

    func storedName(of file: ExportFile) -> String { file.relativeName }

    func storedObjects() async throws -> [String: String] {
        try OutageScenario.filesBelow(archive)
    }

    func uploadCounts() async throws -> [String: Int]? { nil }

    func tearDown() async {
        server.stop()
    }
}

public import Logging
public import NIOCore
public import NIOPosix
import SFTP

/// Uploads closed record files and their manifests to an SFTP server (issue 8).
///
/// Per file, over one SSH connection per `export` call: write `<name>.part` (pipelined WRITEs), FSETSTAT the mode,
/// `fsync@openssh.com` when the server offers it, CLOSE, rename onto the final name, then verify by STAT (size) and
/// by reading the file back and hashing it. SFTP v3 has no server-side checksum, so verification costs one download
/// of every file; that is the only way to know the bytes on the server are the bytes sent. The data file goes
/// first and the manifest second, so a manifest on the server always describes a complete file beside it.
///
/// Idempotent: when the final name already holds a file of the same size and SHA-256 (checked by reading it
/// back), nothing is uploaded again.
public struct SFTPExporter: FileExporter {
    public let targetID: String
    let configuration: SFTPExporterConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let progress: (@Sendable (_ remotePath: String, _ bytesSent: Int64) async -> Void)?

    /// - Parameter progress: called after each chunk of a file is queued for upload; for metrics and tests.
    public init(
        targetID: String,
        configuration: SFTPExporterConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sipswarm.export.sftp"),
        progress: (@Sendable (_ remotePath: String, _ bytesSent: Int64) async -> Void)? = nil
    ) {
        self.targetID = targetID
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.progress = progress
    }

    public static let verifiedBy = "size+sha256 (sftp re-read)"

    public func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt {
        let manifest = SFTPUploadSource(path: file.manifestPath)
        let manifestDigest = try await manifest.digest()
        let dataPath = remotePath(file.relativeName)
        let manifestPath = remotePath(Self.directory(of: file.relativeName) + Self.baseName(of: file.manifestPath))

        let client = try await connect()
        do throws(ExportError) {
            let upload = SFTPUpload(client: client, target: targetID, permissions: configuration.filePermissions, logger: logger, progress: progress)
            try await upload.run(
                SFTPUploadSource(path: file.path), to: dataPath, expected: (file.size, file.sha256Hex.lowercased())
            )
            try await upload.run(manifest, to: manifestPath, expected: manifestDigest)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return ExportReceipt(location: "sftp://\(configuration.user)@\(configuration.host):\(configuration.port)/\(dataPath)", verifiedBy: Self.verifiedBy)
    }

    private func connect() async throws(ExportError) -> SFTPClient {
        let authentication: SFTPClientConfiguration.Authentication
        switch configuration.credential {
        case .privateKeyFile(let path): authentication = .privateKey(path: path)
        case .password(let password): authentication = .password(password)
        }
        let clientConfiguration = SFTPClientConfiguration(
            host: configuration.host, port: configuration.port, user: configuration.user,
            authentication: authentication, hostKeyPolicy: .knownHosts(path: configuration.knownHostsFile),
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout
        )
        do throws(SFTPError) {
            return try await SFTPClient.connect(clientConfiguration, eventLoopGroup: eventLoopGroup, logger: logger)
        } catch {
            throw ExportError(error, target: targetID)
        }
    }

    func remotePath(_ relativeName: String) -> String {
        var directory = configuration.remoteDirectory
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        if directory.isEmpty { return relativeName }
        return directory == "/" ? "/" + relativeName : directory + "/" + relativeName
    }

    /// `cdr/` for `cdr/x.jsonl`, empty for a bare name.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

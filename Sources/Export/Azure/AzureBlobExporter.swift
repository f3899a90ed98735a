import Crypto
import Foundation

/// How an Azure target authorizes: the account key (Shared Key) or a SAS token.
public enum AzureAuthorization: Sendable, Hashable, CustomStringConvertible {
    /// The base64 account key.
    case sharedKey(String)
    /// A SAS token: the query string without `?`.
    case sasToken(String)

    public var description: String {
        switch self {
        case .sharedKey: "shared key (redacted)"
        case .sasToken: "SAS token (redacted)"
        }
    }
}

/// One `type = "azure"` target.
public struct AzureBlobConfiguration: Sendable, Hashable {
    /// Base URL of the account's blob service; nil means `https://<account>.blob.core.windows.net`. A local or
    /// emulator address carries the account in its path (`http://127.0.0.1:10000/devstoreaccount1`).
    public var endpoint: String?
    public var account: String
    public var container: String
    public var prefix: String
    public var authorization: AzureAuthorization
    /// Files larger than this go up as blocks and a block list.
    public var blockThreshold: Int64
    public var blockSize: Int
    public var requestTimeout: Duration

    public init(
        endpoint: String? = nil, account: String, container: String, prefix: String = "", authorization: AzureAuthorization,
        blockThreshold: Int64 = 64 << 20, blockSize: Int = 8 << 20, requestTimeout: Duration = .seconds(120)
    ) {
        self.endpoint = endpoint
        self.account = account
        self.container = container
        self.prefix = prefix
        self.authorization = authorization
        self.blockThreshold = blockThreshold
        self.blockSize = blockSize
        self.requestTimeout = requestTimeout
    }
}

/// `type = "azure"`: Block Blob uploads (docs/export.md). Small files are one Put Blob with `Content-MD5`, which the
/// service checks; large ones are Put Block (each block with its MD5) and Put Block List carrying the whole file's
/// MD5 as the blob's `Content-MD5`. Afterwards Get Blob Properties checks size, MD5 and the stored SHA-256.
public struct AzureBlobExporter: FileExporter {
    /// The REST API version sent as `x-ms-version`.
    public static let apiVersion = "2021-08-06"

    public let targetID: String
    let configuration: AzureBlobConfiguration
    let endpoint: EndpointURL
    let signer: AzureSharedKey?
    let transport: HTTPTransport
    let now: @Sendable () -> Int64

    public init(targetID: String, configuration: AzureBlobConfiguration) throws(ExportError) {
        try self.init(targetID: targetID, configuration: configuration, transport: HTTPTransport())
    }

    init(
        targetID: String, configuration: AzureBlobConfiguration, transport: HTTPTransport,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws(ExportError) {
        self.targetID = targetID
        self.configuration = configuration
        self.endpoint = try EndpointURL(parsing: configuration.endpoint ?? "https://\(configuration.account).blob.core.windows.net")
        switch configuration.authorization {
        case .sharedKey(let key): self.signer = try AzureSharedKey(account: configuration.account, base64Key: key)
        case .sasToken: self.signer = nil
        }
        self.transport = transport
        self.now = now
    }

    public func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt {
        let blob = file.objectKey(prefix: configuration.prefix)
        let md5: [UInt8]
        if file.size > configuration.blockThreshold {
            md5 = try await putBlocks(file: file, blob: blob)
        } else {
            md5 = try await putBlob(path: file.path, blob: blob, expectedSHA256: file.sha256Hex)
        }
        _ = try await putBlob(path: file.manifestPath, blob: file.manifestObjectKey(prefix: configuration.prefix), expectedSHA256: nil)
        let reply = try await send("HEAD", blob: blob, query: [], headers: [], body: nil, what: "Azure get blob properties \(blob)")
        guard reply.isSuccess else { throw reply.failure("Azure get blob properties \(blob)") }
        guard reply.header("content-length").flatMap(Int64.init) == file.size,
            reply.header("content-md5") == Data(md5).base64EncodedString(),
            reply.header("x-ms-meta-sha256") == file.sha256Hex
        else {
            throw ExportError(.verificationFailed, reason: "Azure blob \(blob): stored size, MD5 or sha256 differ", retryable: true)
        }
        return ExportReceipt(
            location: "\(endpoint.origin)\(endpoint.basePath)/\(configuration.container)/\(blob)",
            verifiedBy: "content-md5+blob properties (size, md5, sha256 metadata)"
        )
    }

    /// Put Blob of a whole small file; returns its MD5.
    private func putBlob(path: String, blob: String, expectedSHA256: String?) async throws(ExportError) -> [UInt8] {
        let bytes = try FileChunks(path: path).read(offset: 0, count: Int(configuration.blockThreshold) + 1)
        let sha = Hex.encode(SHA256.hash(data: bytes))
        if let expectedSHA256, sha != expectedSHA256 {
            throw ManifestCheck.damage("\(path) no longer matches its manifest")
        }
        let md5 = Array(Insecure.MD5.hash(data: bytes))
        let what = "Azure put blob \(blob)"
        let reply = try await send(
            "PUT", blob: blob, query: [],
            headers: [
                ("x-ms-blob-type", "BlockBlob"), ("Content-Type", "application/octet-stream"),
                ("Content-MD5", Data(md5).base64EncodedString()), ("x-ms-meta-sha256", sha),
            ],
            body: bytes, what: what
        )
        guard reply.isSuccess else { throw reply.failure(what) }
        return md5
    }

    /// Put Block per chunk, then Put Block List; returns the whole file's MD5.
    private func putBlocks(file: ExportFile, blob: String) async throws(ExportError) -> [UInt8] {
        let chunks = try FileChunks(path: file.path)
        var whole = StreamingDigest()
        var ids: [String] = []
        while true {
            let bytes = try chunks.read(offset: whole.size, count: configuration.blockSize)
            if bytes.isEmpty { break }
            whole.update(bytes)
            // Every id of a blob must have the same length before base64.
            let id = Data("block-\(String(1_000_000 + ids.count).dropFirst())".utf8).base64EncodedString()
            let what = "Azure put block \(ids.count) of \(blob)"
            let reply = try await send(
                "PUT", blob: blob, query: [("comp", "block"), ("blockid", id)],
                headers: [("Content-MD5", Data(Insecure.MD5.hash(data: bytes)).base64EncodedString())], body: bytes, what: what
            )
            guard reply.isSuccess else { throw reply.failure(what) }
            ids.append(id)
        }
        guard whole.size == file.size, whole.sha256Hex == file.sha256Hex else {
            throw ManifestCheck.damage("\(file.path) no longer matches its manifest")
        }
        let md5 = whole.md5Digest
        let list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>" + ids.map { "<Latest>\($0)</Latest>" }.joined() + "</BlockList>"
        let what = "Azure put block list \(blob)"
        let reply = try await send(
            "PUT", blob: blob, query: [("comp", "blocklist")],
            headers: [
                ("Content-Type", "application/xml"), ("x-ms-blob-content-md5", Data(md5).base64EncodedString()),
                ("x-ms-blob-content-type", "application/octet-stream"), ("x-ms-meta-sha256", file.sha256Hex),
            ],
            body: Array(list.utf8), what: what
        )
        guard reply.isSuccess else { throw reply.failure(what) }
        return md5
    }

    func send(
        _ method: String, blob: String, query: [(String, String)], headers: [(String, String)], body: [UInt8]?, what: String
    ) async throws(ExportError) -> HTTPReply {
        let path = endpoint.basePath + "/" + URIEncoding.encode(configuration.container) + (blob.isEmpty ? "" : "/" + URIEncoding.encode(blob, keepSlash: true))
        var all = headers
        all.append(("x-ms-date", AzureSharedKey.httpDate(epochSeconds: now())))
        all.append(("x-ms-version", Self.apiVersion))
        var queryText = query.map { "\(URIEncoding.encode($0.0))=\(URIEncoding.encode($0.1))" }.joined(separator: "&")
        switch configuration.authorization {
        case .sharedKey:
            if let signer {
                // The client sends Content-Length itself; it is signed with the same value.
                let signedHeaders = all + [("Content-Length", String(body?.count ?? 0))]
                all.append(("Authorization", signer.authorization(method: method, headers: signedHeaders, path: path, query: query)))
            }
        case .sasToken(let token):
            let trimmed = token.hasPrefix("?") ? String(token.dropFirst()) : token
            queryText = queryText.isEmpty ? trimmed : queryText + "&" + trimmed
        }
        let url = endpoint.origin + path + (queryText.isEmpty ? "" : "?" + queryText)
        return try await transport.send(method, url, headers: all, body: body, timeout: configuration.requestTimeout, what: what)
    }

    /// Creates the container (tests and first-time setup); one that exists already is fine.
    func createContainer() async throws(ExportError) {
        let reply = try await send("PUT", blob: "", query: [("restype", "container")], headers: [], body: [], what: "Azure create container")
        guard reply.isSuccess || reply.status == 409 else { throw reply.failure("Azure create container") }
    }
}

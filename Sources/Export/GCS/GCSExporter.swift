import Crypto
import Foundation

/// `type = "gcs"`: Google Cloud Storage (docs/export.md). With a bearer token (static or from a service account) the
/// JSON API: a multipart upload (metadata + bytes, the metadata carrying `md5Hash` so the service checks the bytes)
/// for small files, a resumable upload in chunks for large ones; the object resource the upload returns must show
/// our size and MD5. With HMAC keys, the XML API signed with SigV4 (S3 interoperability): one PUT with `Content-MD5`,
/// whose ETag must be that MD5.
public struct GCSExporter: FileExporter {
    public let targetID: String
    let configuration: GCSConfiguration
    let endpoint: EndpointURL
    let transport: HTTPTransport
    let tokens: ServiceAccountTokenSource?
    let now: @Sendable () -> Int64

    public init(targetID: String, configuration: GCSConfiguration) throws(ExportError) {
        try self.init(targetID: targetID, configuration: configuration, transport: HTTPTransport())
    }

    init(
        targetID: String, configuration: GCSConfiguration, transport: HTTPTransport,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws(ExportError) {
        self.targetID = targetID
        self.configuration = configuration
        self.endpoint = try EndpointURL(parsing: configuration.endpoint ?? "https://storage.googleapis.com")
        self.transport = transport
        self.now = now
        switch configuration.authorization {
        case .serviceAccountFile(let path): self.tokens = try ServiceAccountTokenSource(path: path, transport: transport, now: now)
        case .token, .hmac: self.tokens = nil
        }
    }

    public func export(_ file: ExportFile) async throws(ExportError) -> ExportReceipt {
        let name = file.objectKey(prefix: configuration.prefix)
        let manifestName = file.manifestObjectKey(prefix: configuration.prefix)
        switch configuration.authorization {
        case .hmac(let accessID, let secret):
            let credentials = AWSCredentials(accessKeyID: accessID, secretAccessKey: secret)
            try await putXML(path: file.path, name: name, expectedSHA256: file.sha256Hex, credentials: credentials)
            try await putXML(path: file.manifestPath, name: manifestName, expectedSHA256: nil, credentials: credentials)
            return ExportReceipt(location: "gs://\(configuration.bucket)/\(name)", verifiedBy: "content-md5+etag or x-goog-hash re-read (XML API)")
        case .token, .serviceAccountFile:
            let object: [String: Any]
            if file.size > configuration.resumableThreshold {
                object = try await GCSResumableUpload(exporter: self, name: name, file: file).run()
            } else {
                object = try await uploadMultipart(path: file.path, name: name, expectedSHA256: file.sha256Hex).object
            }
            try Self.check(object, size: file.size, md5: try FileChunks(path: file.path).digests().md5, name: name)
            _ = try await uploadMultipart(path: file.manifestPath, name: manifestName, expectedSHA256: nil)
            return ExportReceipt(location: "gs://\(configuration.bucket)/\(name)", verifiedBy: "md5Hash+size of the object resource")
        }
    }

    /// The bearer header of the JSON API.
    func authorizationHeader() async throws(ExportError) -> (String, String) {
        switch configuration.authorization {
        case .token(let token): return ("Authorization", "Bearer \(token)")
        case .serviceAccountFile:
            guard let tokens else { throw ExportError(.configuration, reason: "no token source", retryable: false) }
            return ("Authorization", "Bearer \(try await tokens.token())")
        case .hmac: throw ExportError(.configuration, reason: "HMAC keys use the XML API", retryable: false)
        }
    }

    /// `/upload/storage/v1/b/<bucket>/o` below the endpoint.
    var uploadURL: String {
        "\(endpoint.origin)\(endpoint.basePath)/upload/storage/v1/b/\(URIEncoding.encode(configuration.bucket))/o"
    }

    /// The object metadata sent with an upload: the service checks `md5Hash` against the bytes.
    static func metadata(name: String, md5: [UInt8], sha256Hex: String) -> [UInt8] {
        let object: [String: Any] = [
            "name": name, "md5Hash": Data(md5).base64EncodedString(), "metadata": ["sha256": sha256Hex],
            "contentType": "application/octet-stream",
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map(Array.init) ?? []
    }

    private func uploadMultipart(path: String, name: String, expectedSHA256: String?) async throws(ExportError) -> (object: [String: Any], md5: [UInt8]) {
        let bytes = try FileChunks(path: path).read(offset: 0, count: Int(configuration.resumableThreshold) + 1)
        let sha = Hex.encode(SHA256.hash(data: bytes))
        if let expectedSHA256, sha != expectedSHA256 {
            throw ManifestCheck.damage("\(path) no longer matches its manifest")
        }
        let md5 = Array(Insecure.MD5.hash(data: bytes))
        let boundary = "sipswarm-\(UUID().uuidString)"
        var body = Array("--\(boundary)\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".utf8)
        body += Self.metadata(name: name, md5: md5, sha256Hex: sha)
        body += Array("\r\n--\(boundary)\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let what = "GCS upload \(name)"
        let reply = try await transport.send(
            "POST", uploadURL + "?uploadType=multipart",
            headers: [("Content-Type", "multipart/related; boundary=\(boundary)"), try await authorizationHeader()],
            body: body, timeout: configuration.requestTimeout, what: what
        )
        guard reply.isSuccess else { throw reply.failure(what) }
        let object = try Self.objectResource(reply, what: what)
        try Self.check(object, size: Int64(bytes.count), md5: md5, name: name)
        return (object, md5)
    }

    static func objectResource(_ reply: HTTPReply, what: String) throws(ExportError) -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(reply.body))) as? [String: Any] else {
            throw ExportError(.rejected, reason: "\(what): the answer is not an object resource", retryable: true)
        }
        return object
    }

    /// The object resource must show our size and MD5 (`size` is a decimal string in the JSON API).
    static func check(_ object: [String: Any], size: Int64, md5: [UInt8], name: String) throws(ExportError) {
        let storedSize = (object["size"] as? String).flatMap(Int64.init) ?? (object["size"] as? NSNumber)?.int64Value
        guard storedSize == size else {
            throw ExportError(.verificationFailed, reason: "GCS object \(name): stored size differs from \(size)", retryable: true)
        }
        guard object["md5Hash"] as? String == Data(md5).base64EncodedString() else {
            throw ExportError(.verificationFailed, reason: "GCS object \(name): stored md5Hash differs", retryable: true)
        }
    }

    private func putXML(path: String, name: String, expectedSHA256: String?, credentials: AWSCredentials) async throws(ExportError) {
        let bytes = try FileChunks(path: path).read(offset: 0, count: Int(min(configuration.resumableThreshold, 5 << 30)) + 1)
        let shaBytes = Array(SHA256.hash(data: bytes))
        if let expectedSHA256, Hex.encode(shaBytes) != expectedSHA256 {
            throw ManifestCheck.damage("\(path) no longer matches its manifest")
        }
        let md5 = Array(Insecure.MD5.hash(data: bytes))
        let objectPath = endpoint.basePath + "/" + URIEncoding.encode(configuration.bucket) + "/" + URIEncoding.encode(name, keepSlash: true)
        var headers: [(String, String)] = [
            ("host", endpoint.authority), ("content-md5", Data(md5).base64EncodedString()),
            ("content-type", "application/octet-stream"), ("x-amz-content-sha256", Hex.encode(shaBytes)),
            ("x-amz-meta-sha256", Hex.encode(shaBytes)),
        ]
        let signer = SigV4Signer(credentials: credentials, region: "auto", service: "s3")
        let signed = signer.sign(
            .init(method: "PUT", path: objectPath, query: [], headers: headers, payloadHash: Hex.encode(shaBytes)), epochSeconds: now()
        )
        headers = headers.filter { $0.0 != "host" } + signed.headers
        let what = "GCS XML PUT \(name)"
        let reply = try await transport.send(
            "PUT", endpoint.origin + objectPath, headers: headers, body: bytes, timeout: configuration.requestTimeout, what: what
        )
        guard reply.isSuccess else { throw reply.failure(what) }
        // Cloud Storage answers a PUT with the MD5 as ETag. A server that does not is asked for the object: its
        // `x-goog-hash` and the bytes themselves must match.
        if let etag = reply.header("etag")?.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) {
            guard etag.lowercased() == Hex.encode(md5) else {
                throw ExportError(.verificationFailed, reason: "GCS XML PUT \(name): ETag is not the object's MD5", retryable: true)
            }
            return
        }
        let getHeaders: [(String, String)] = [("host", endpoint.authority), ("x-amz-content-sha256", S3Exporter.emptyHash)]
        let getSigned = signer.sign(
            .init(method: "GET", path: objectPath, query: [], headers: getHeaders, payloadHash: S3Exporter.emptyHash), epochSeconds: now()
        )
        let check = try await transport.send(
            "GET", endpoint.origin + objectPath, headers: getHeaders.filter { $0.0 != "host" } + getSigned.headers,
            timeout: configuration.requestTimeout, maxReplyBytes: bytes.count + 1, what: "GCS XML GET \(name)"
        )
        guard check.isSuccess else { throw check.failure("GCS XML GET \(name)") }
        let md5Text = "md5=" + Data(md5).base64EncodedString()
        guard check.body == bytes, check.header("x-goog-hash")?.split(separator: ",").contains(where: { $0 == md5Text }) ?? true else {
            throw ExportError(.verificationFailed, reason: "GCS XML GET \(name): stored object differs", retryable: true)
        }
    }
}

import Foundation

/// A JSON API resumable upload: a session is opened with the object's metadata (its `md5Hash`, so the service
/// checks the assembled bytes), then the file goes up in chunks with `Content-Range`; the service answers 308 until
/// the last chunk and then the object resource.
struct GCSResumableUpload {
    let exporter: GCSExporter
    let name: String
    let file: ExportFile

    func run() async throws(ExportError) -> [String: Any] {
        let digests = try FileChunks(path: file.path).digests()
        guard digests.size == file.size, digests.sha256Hex == file.sha256Hex else {
            throw ManifestCheck.damage("\(file.path) no longer matches its manifest")
        }
        let session = try await open(md5: digests.md5)
        let chunks = try FileChunks(path: file.path)
        var offset: Int64 = 0
        let size = file.size
        while true {
            let bytes = try chunks.read(offset: offset, count: exporter.configuration.chunkSize)
            let end = offset + Int64(bytes.count)
            let range = bytes.isEmpty ? "bytes */\(size)" : "bytes \(offset)-\(end - 1)/\(size)"
            let what = "GCS resumable chunk at \(offset) of \(name)"
            let reply = try await exporter.transport.send(
                "PUT", session, headers: [("Content-Range", range), try await exporter.authorizationHeader()], body: bytes,
                timeout: exporter.configuration.requestTimeout, what: what
            )
            if reply.status == 308 {
                guard end < size else {
                    throw ExportError(.rejected, reason: "\(what): the service wants more than the whole file", retryable: true)
                }
                offset = end
                continue
            }
            guard reply.isSuccess else { throw reply.failure(what) }
            return try GCSExporter.objectResource(reply, what: what)
        }
    }

    private func open(md5: [UInt8]) async throws(ExportError) -> String {
        let what = "GCS open resumable upload \(name)"
        let reply = try await exporter.transport.send(
            "POST", exporter.uploadURL + "?uploadType=resumable&name=" + URIEncoding.encode(name),
            headers: [
                ("Content-Type", "application/json; charset=UTF-8"), ("X-Upload-Content-Type", "application/octet-stream"),
                ("X-Upload-Content-Length", String(file.size)), try await exporter.authorizationHeader(),
            ],
            body: GCSExporter.metadata(name: name, md5: md5, sha256Hex: file.sha256Hex),
            timeout: exporter.configuration.requestTimeout, what: what
        )
        guard reply.isSuccess else { throw reply.failure(what) }
        guard let location = reply.header("location"), location.hasPrefix("http") else {
            throw ExportError(.rejected, reason: "\(what): no session Location in the answer", retryable: true)
        }
        return location
    }
}

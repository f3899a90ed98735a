import Crypto
import Foundation

/// One multipart upload: create (declaring SHA-256 checksums), one PUT per part with its own
/// `x-amz-checksum-sha256` and `Content-MD5` so the server checks every part, complete with every part's ETag and
/// checksum. Any failure aborts the upload so no orphaned parts are billed.
struct S3MultipartUpload {
    let exporter: S3Exporter
    let key: String
    let file: ExportFile

    private struct Part {
        var number: Int
        var etag: String
        var checksum: String
    }

    func run() async throws(ExportError) {
        let uploadID = try await create()
        do throws(ExportError) {
            let parts = try await uploadParts(uploadID: uploadID)
            try await complete(uploadID: uploadID, parts: parts)
        } catch {
            await abort(uploadID: uploadID)
            throw error
        }
    }

    private func create() async throws(ExportError) -> String {
        let reply = try await exporter.send(
            "POST", key: key, query: [("uploads", "")],
            headers: [
                ("content-type", "application/octet-stream"), ("x-amz-checksum-algorithm", "SHA256"),
                ("x-amz-meta-sha256", file.sha256Hex),
            ],
            body: [], payloadHash: S3Exporter.emptyHash, what: "S3 create multipart upload \(key)"
        )
        guard reply.isSuccess else { throw reply.failure("S3 create multipart upload \(key)") }
        guard let uploadID = XMLText.firstValue(of: "UploadId", in: String(decoding: reply.body, as: UTF8.self)), !uploadID.isEmpty else {
            throw ExportError(.rejected, reason: "S3 create multipart upload \(key): no UploadId in the answer", retryable: true)
        }
        return uploadID
    }

    private func uploadParts(uploadID: String) async throws(ExportError) -> [Part] {
        let chunks = try FileChunks(path: file.path)
        var whole = StreamingDigest()
        var parts: [Part] = []
        while true {
            let bytes = try chunks.read(offset: whole.size, count: exporter.configuration.partSize)
            if bytes.isEmpty { break }
            whole.update(bytes)
            let number = parts.count + 1
            let sha = Array(SHA256.hash(data: bytes))
            let md5 = Array(Insecure.MD5.hash(data: bytes))
            let checksum = Data(sha).base64EncodedString()
            let what = "S3 upload part \(number) of \(key)"
            let reply = try await exporter.send(
                "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
                headers: [("content-md5", Data(md5).base64EncodedString()), ("x-amz-checksum-sha256", checksum)],
                body: bytes, payloadHash: Hex.encode(sha), what: what
            )
            guard reply.isSuccess else { throw reply.failure(what) }
            guard let etag = reply.header("etag") else {
                throw ExportError(.rejected, reason: "\(what): no ETag in the answer", retryable: true)
            }
            // A plain part's ETag is its MD5; where it is (not every store promises it), it must be ours.
            let bare = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            if bare.count == 32, bare.lowercased() != Hex.encode(md5) {
                throw ExportError(.verificationFailed, reason: "\(what): ETag is not the part's MD5", retryable: true)
            }
            parts.append(Part(number: number, etag: etag, checksum: checksum))
        }
        // The manifest's hash is checked before completing: a file changed since it was closed is never assembled.
        guard whole.size == file.size, whole.sha256Hex == file.sha256Hex else {
            throw ManifestCheck.damage("\(file.path) no longer matches its manifest")
        }
        return parts
    }

    private func complete(uploadID: String, parts: [Part]) async throws(ExportError) {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(part.etag)</ETag>"
            xml += "<ChecksumSHA256>\(part.checksum)</ChecksumSHA256></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        let what = "S3 complete multipart upload \(key)"
        let reply = try await exporter.send(
            "POST", key: key, query: [("uploadId", uploadID)], headers: [("content-type", "application/xml")],
            body: body, payloadHash: Hex.encode(SHA256.hash(data: body)), what: what
        )
        // S3 can answer 200 and still report an error in the body.
        let text = String(decoding: reply.body, as: UTF8.self)
        guard reply.isSuccess, !text.contains("<Error>") else { throw reply.failure(what) }
    }

    private func abort(uploadID: String) async {
        _ = try? await exporter.send(
            "DELETE", key: key, query: [("uploadId", uploadID)], headers: [], body: nil,
            payloadHash: S3Exporter.emptyHash, what: "S3 abort multipart upload \(key)"
        )
    }
}

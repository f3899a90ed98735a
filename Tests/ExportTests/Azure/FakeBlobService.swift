import Crypto
import Foundation
import Synchronization

@testable import Export

/// A Blob service in memory behind `MiniHTTPServer` that checks what the real one checks for our calls: the Shared
/// Key signature (recomputed from the request as it arrived on the wire) or the SAS `sig`, `Content-MD5` of every
/// body, and block lists naming uploaded blocks.
final class FakeBlobService: Sendable {
    struct Blob: Sendable {
        var data: [UInt8]
        var md5: String?
        var sha256: String?
    }

    let account: String
    let signer: AzureSharedKey
    let sasSignature: String
    private let state = Mutex<(blobs: [String: Blob], blocks: [String: [UInt8]], requests: [String])>(([:], [:], []))

    init(account: String, key: String, sasSignature: String) throws {
        self.account = account
        self.signer = try AzureSharedKey(account: account, base64Key: key)
        self.sasSignature = sasSignature
    }

    var blobs: [String: Blob] { state.withLock { $0.blobs } }
    /// `METHOD comp` of every authorized request, in order.
    var requests: [String] { state.withLock { $0.requests } }

    func handle(_ request: MiniRequest) -> MiniResponse {
        let query = URIDecoding.queryPairs(request.query)
        guard authorized(request, query: query) else {
            return MiniResponse(status: 403, body: Array("<Error><Code>AuthenticationFailed</Code></Error>".utf8))
        }
        let comp = query.first { $0.0 == "comp" }?.1
        state.withLock { $0.requests.append("\(request.method) \(comp ?? "-")") }
        if let md5 = request.header("Content-MD5"), md5 != Data(Insecure.MD5.hash(data: request.body)).base64EncodedString() {
            return MiniResponse(status: 400, body: Array("<Error><Code>Md5Mismatch</Code></Error>".utf8))
        }
        let name = request.path
        switch (request.method, comp) {
        case ("PUT", nil) where query.contains { $0.0 == "restype" }:
            return MiniResponse(status: 201)
        case ("PUT", nil):
            let blob = Blob(data: request.body, md5: request.header("Content-MD5"), sha256: request.header("x-ms-meta-sha256"))
            state.withLock { $0.blobs[name] = blob }
            return MiniResponse(status: 201, headers: blob.md5.map { [("Content-MD5", $0)] } ?? [])
        case ("PUT", "block"):
            guard let id = query.first(where: { $0.0 == "blockid" })?.1 else { return MiniResponse(status: 400) }
            state.withLock { $0.blocks[name + "#" + id] = request.body }
            return MiniResponse(status: 201)
        case ("PUT", "blocklist"):
            let ids = XMLText.values(of: "Latest", in: String(decoding: request.body, as: UTF8.self))
            return state.withLock { state in
                var data: [UInt8] = []
                for id in ids {
                    guard let block = state.blocks[name + "#" + id] else {
                        return MiniResponse(status: 400, body: Array("<Error><Code>InvalidBlockList</Code></Error>".utf8))
                    }
                    data += block
                }
                state.blobs[name] = Blob(data: data, md5: request.header("x-ms-blob-content-md5"), sha256: request.header("x-ms-meta-sha256"))
                return MiniResponse(status: 201)
            }
        case ("HEAD", nil):
            guard let blob = state.withLock({ $0.blobs[name] }) else { return MiniResponse(status: 404) }
            var headers = [("Content-Length", String(blob.data.count))]
            if let md5 = blob.md5 { headers.append(("Content-MD5", md5)) }
            if let sha = blob.sha256 { headers.append(("x-ms-meta-sha256", sha)) }
            return MiniResponse(status: 200, headers: headers)
        default:
            return MiniResponse(status: 400)
        }
    }

    private func authorized(_ request: MiniRequest, query: [(String, String)]) -> Bool {
        if let sig = query.first(where: { $0.0 == "sig" })?.1 {
            return sig == sasSignature
        }
        guard let given = request.header("Authorization") else { return false }
        let signedQuery = query.filter { !["sv", "ss", "srt", "sp", "se", "sig"].contains($0.0) }
        return given == signer.authorization(method: request.method, headers: request.headers, path: request.path, query: signedQuery)
    }
}

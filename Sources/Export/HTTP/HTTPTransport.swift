import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A response as the exporters read it: status, headers, a bounded body.
struct HTTPReply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    var isSuccess: Bool { (200..<300).contains(status) }
}

/// The exporters' one way to speak HTTP: AsyncHTTPClient underneath, plain Swift values at the surface, every
/// transport failure a retryable `unreachable` error. Error texts name the operation, never the URL (a SAS token or
/// an upload id can be in it).
struct HTTPTransport: Sendable {
    /// Answers larger than this are cut: exporters read XML/JSON status documents, never objects.
    static let maxReplyBytes = 1 << 20

    private let client: HTTPClient

    init(client: HTTPClient = HTTPTransport.exportClient) {
        self.client = client
    }

    /// The exporters' shared client: AsyncHTTPClient's singleton settings with a 5 s connect timeout. The client
    /// retries a failed connection (with backoff) until the connect timeout, and the singleton's 90 s — bounded only
    /// by the request's deadline — made every probe of a stopped target take the whole request timeout (seen in the
    /// outage tests as 10 s gaps; 120 s with the default). Retrying stays on, as AsyncHTTPClient recommends for flaky
    /// connection setup; beyond 5 s the export queue's own backoff decides when to try again. Process-wide and never
    /// shut down, like `HTTPClient.shared`.
    static let exportClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    func send(
        _ method: String,
        _ url: String,
        headers: [(String, String)],
        body: [UInt8]? = nil,
        timeout: Duration,
        maxReplyBytes: Int = HTTPTransport.maxReplyBytes,
        what: String
    ) async throws(ExportError) -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            var collected = try await response.body.collect(upTo: maxReplyBytes)
            let bytes = collected.readBytes(length: collected.readableBytes) ?? []
            return HTTPReply(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: bytes
            )
        } catch {
            throw ExportError(.unreachable, reason: "\(what): \(Self.describe(error))", retryable: true)
        }
    }

    // Transport errors describe themselves without URLs; kept to one line.
    private static func describe(_ error: any Error) -> String {
        String("\(error)".prefix(200)).replacingOccurrences(of: "\n", with: " ")
    }
}

extension HTTPReply {
    /// The failure a non-2xx answer stands for: 401/403 are credentials (not retried quickly), 408/429/5xx pass, any
    /// other 4xx is a refusal. Only the service's error code is quoted: S3 echoes the string-to-sign and key id.
    func failure(_ what: String) -> ExportError {
        let code = Self.serviceErrorCode(body)
        let detail = code.map { " (\($0))" } ?? ""
        switch status {
        case 401, 403:
            return ExportError(.authentication, reason: "\(what): HTTP \(status)\(detail)", retryable: false)
        case 408, 429, 500...599:
            return ExportError(.rejected, reason: "\(what): HTTP \(status)\(detail)", retryable: true)
        default:
            return ExportError(.rejected, reason: "\(what): HTTP \(status)\(detail)", retryable: false)
        }
    }

    // `<Code>…</Code>` (S3, Azure, GCS XML) or `"reason": "…"` is enough to act on.
    static func serviceErrorCode(_ body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if let value = XMLText.firstValue(of: "Code", in: text) { return String(value.prefix(64)) }
        if let range = text.range(of: "\"reason\": \""), let end = text[range.upperBound...].firstIndex(of: "\"") {
            return String(text[range.upperBound..<end].prefix(64))
        }
        return nil
    }
}

/// Just enough XML reading for S3/Azure status documents: the text of the first `<name>…</name>`.
enum XMLText {
    static func firstValue(of element: String, in text: String) -> String? {
        values(of: element, in: text).first
    }

    static func values(of element: String, in text: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(element)>"), let close = rest[open.upperBound...].range(of: "</\(element)>") {
            out.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return out
    }
}

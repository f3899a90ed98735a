import Crypto
import Foundation
import Records

/// Azure Storage Shared Key authorization for the Blob service: the string-to-sign of the REST API (verb, the eleven
/// standard headers, canonicalized `x-ms-` headers, canonicalized resource) signed with HMAC-SHA256 under the
/// base64-decoded account key. Checked byte for byte against the known-answer vectors in
/// shared/reference/azure-sharedkey-vectors.json (Tests/ExportTests/Azure/AzureSharedKeyTests.swift).
struct AzureSharedKey: Sendable {
    let account: String
    private let key: [UInt8]

    /// `base64Key` is the account key as the portal shows it.
    init(account: String, base64Key: String) throws(ExportError) {
        guard let key = Data(base64Encoded: base64Key), !key.isEmpty else {
            throw ExportError(.configuration, reason: "azure shared_key is not base64", retryable: false)
        }
        self.account = account
        self.key = Array(key)
    }

    /// The standard headers in string-to-sign order.
    private static let standardHeaders = [
        "content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
        "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range",
    ]

    /// `path` is the URL path as sent (encoded); `query` holds decoded name/value pairs.
    static func stringToSign(
        method: String, headers: [(String, String)], account: String, path: String, query: [(String, String)]
    ) -> String {
        var values: [String: String] = [:]
        var msHeaders: [String: String] = [:]
        for (name, value) in headers {
            let lowered = name.lowercased()
            if lowered.hasPrefix("x-ms-") {
                msHeaders[lowered] = value.trimmingCharacters(in: .whitespaces)
            } else {
                values[lowered] = value
            }
        }
        var lines = [method.uppercased()]
        for name in standardHeaders {
            let value = values[name] ?? ""
            // Since version 2015-02-21 a zero length is signed as empty.
            lines.append(name == "content-length" && value == "0" ? "" : value)
        }
        var text = lines.joined(separator: "\n") + "\n"
        for name in msHeaders.keys.sorted() {
            text += "\(name):\(msHeaders[name] ?? "")\n"
        }
        text += "/\(account)\(path.isEmpty ? "/" : path)"
        var parameters: [String: [String]] = [:]
        for (name, value) in query {
            parameters[name.lowercased(), default: []].append(value)
        }
        for name in parameters.keys.sorted() {
            text += "\n\(name):\((parameters[name] ?? []).sorted().joined(separator: ","))"
        }
        return text
    }

    /// `SharedKey <account>:<signature>`.
    func authorization(method: String, headers: [(String, String)], path: String, query: [(String, String)]) -> String {
        let text = Self.stringToSign(method: method, headers: headers, account: account, path: path, query: query)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: key))
        return "SharedKey \(account):\(Data(mac).base64EncodedString())"
    }

    /// `Fri, 27 Nov 2026 12:00:00 GMT` (RFC 1123), the `x-ms-date` form.
    static func httpDate(epochSeconds: Int64) -> String {
        // `yyyyMMddTHHmmss`, taken apart: no Foundation date formatter, no locale.
        let stamp = Array(UTCTimestamp.compact(microseconds: epochSeconds * 1_000_000))
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let days = epochSeconds.floorDivided(by: 86_400)
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        let month = months[(Int(String(stamp[4..<6])) ?? 1) - 1]
        let time = String(stamp[9..<11]) + ":" + String(stamp[11..<13]) + ":" + String(stamp[13..<15])
        return "\(weekday), \(String(stamp[6..<8])) \(month) \(String(stamp[0..<4])) \(time) GMT"
    }
}

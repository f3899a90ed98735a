import Crypto
import Records

/// AWS access key, secret and optional session token. `description` never shows the secret or the token.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; nil without the first two.
    public static func fromEnvironment(_ environment: [String: String]) -> AWSCredentials? {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
    }

    public var description: String { "AWSCredentials(\(accessKeyID), secret redacted)" }
}

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for one request: canonical request, string to sign, signing key
/// derived per day, region and service, and the `Authorization` header. Written here from the published algorithm
/// and checked against AWS's test-suite vectors (Tests/ExportTests/S3/SigV4Tests.swift).
struct SigV4Signer: Sendable {
    var credentials: AWSCredentials
    var region: String
    var service: String

    /// The request parts that are signed. `path` is the canonical (already URI-encoded) path; `query` holds raw,
    /// unencoded pairs; `headers` must include `host`.
    struct Request {
        var method: String
        var path: String
        var query: [(String, String)]
        var headers: [(String, String)]
        var payloadHash: String
    }

    struct Signed {
        /// Headers to add to the request: `x-amz-date`, optionally `x-amz-security-token`, and `Authorization`.
        var headers: [(String, String)]
        var canonicalRequest: String
        var stringToSign: String
        var authorization: String
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` of `epochSeconds`.
    static func amzDate(epochSeconds: Int64) -> String {
        UTCTimestamp.compact(microseconds: epochSeconds * 1_000_000) + "Z"
    }

    func sign(_ request: Request, epochSeconds: Int64) -> Signed {
        let date = Self.amzDate(epochSeconds: epochSeconds)
        let day = String(date.prefix(8))
        var headers = request.headers
        headers.append(("x-amz-date", date))
        if let token = credentials.sessionToken {
            headers.append(("x-amz-security-token", token))
        }
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            request.method,
            request.path.isEmpty ? "/" : request.path,
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", date, scope, Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let signature = Hex.encode(Self.hmac(key: signingKey(day: day), Array(stringToSign.utf8)))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var added = [("x-amz-date", date)]
        if let token = credentials.sessionToken {
            added.append(("x-amz-security-token", token))
        }
        added.append(("Authorization", authorization))
        return Signed(headers: added, canonicalRequest: canonicalRequest, stringToSign: stringToSign, authorization: authorization)
    }

    private func signingKey(day: String) -> [UInt8] {
        var key = Self.hmac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), Array(day.utf8))
        for part in [region, service, "aws4_request"] {
            key = Self.hmac(key: key, Array(part.utf8))
        }
        return key
    }

    static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Lower-case names, values trimmed with inner runs of spaces folded to one, sorted by name; repeated names
    /// joined with `,` in the order given.
    static func canonicalHeaders(_ headers: [(String, String)]) -> (block: String, signed: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            merged[name.lowercased(), default: []].append(foldSpaces(value))
        }
        let names = merged.keys.sorted()
        let block = names.map { "\($0):\(merged[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    private static func foldSpaces(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Each name and value URI-encoded, sorted by name then value, `name=value` joined by `&`.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        query.map { (URIEncoding.encode($0.0), URIEncoding.encode($0.1)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }
}

import _CryptoExtras
import Crypto
import Foundation

/// OAuth2 access tokens from a service-account key file: a JWT (RS256, `_RSA.Signing` with PKCS#1 v1.5 padding over
/// SHA-256) is posted to the key file's `token_uri` (RFC 7523 jwt-bearer grant). A token is reused until a minute
/// before it expires.
actor ServiceAccountTokenSource {
    static let scope = "https://www.googleapis.com/auth/devstorage.read_write"

    struct KeyFile: Sendable {
        var clientEmail: String
        var privateKeyPEM: String
        var tokenURI: String

        static func load(_ path: String) throws(ExportError) -> KeyFile {
            guard let data = FileManager.default.contents(atPath: path),
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                let email = object["client_email"] as? String, let key = object["private_key"] as? String
            else {
                throw ExportError(.configuration, reason: "service account file \(path) lacks client_email or private_key", retryable: false)
            }
            let uri = object["token_uri"] as? String ?? "https://oauth2.googleapis.com/token"
            return KeyFile(clientEmail: email, privateKeyPEM: key, tokenURI: uri)
        }
    }

    private let keyFile: KeyFile
    private let key: _RSA.Signing.PrivateKey
    private let transport: HTTPTransport
    private let now: @Sendable () -> Int64
    private var cached: (token: String, expires: Int64)?

    init(path: String, transport: HTTPTransport, now: @escaping @Sendable () -> Int64) throws(ExportError) {
        let keyFile = try KeyFile.load(path)
        self.keyFile = keyFile
        do {
            self.key = try _RSA.Signing.PrivateKey(pemRepresentation: keyFile.privateKeyPEM)
        } catch {
            throw ExportError(.configuration, reason: "service account file \(path): private_key is not an RSA PEM key", retryable: false)
        }
        self.transport = transport
        self.now = now
    }

    func token() async throws(ExportError) -> String {
        let issuedAt = now()
        if let cached, cached.expires - 60 > issuedAt { return cached.token }
        let assertion = try Self.jwt(email: keyFile.clientEmail, audience: keyFile.tokenURI, issuedAt: issuedAt, key: key)
        let form = "grant_type=" + URIEncoding.encode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + assertion
        let reply = try await transport.send(
            "POST", keyFile.tokenURI, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8),
            timeout: .seconds(30), what: "OAuth2 token request"
        )
        guard reply.isSuccess else { throw reply.failure("OAuth2 token request") }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(reply.body))) as? [String: Any],
            let token = object["access_token"] as? String
        else {
            throw ExportError(.authentication, reason: "OAuth2 token answer has no access_token", retryable: true)
        }
        let lifetime = (object["expires_in"] as? NSNumber)?.int64Value ?? 3600
        cached = (token, issuedAt + lifetime)
        return token
    }

    /// `header.claims.signature`, each base64url without padding.
    static func jwt(email: String, audience: String, issuedAt: Int64, key: _RSA.Signing.PrivateKey) throws(ExportError) -> String {
        let header = #"{"alg":"RS256","typ":"JWT"}"#
        let claims = try json([
            "iss": email, "scope": scope, "aud": audience, "iat": issuedAt, "exp": issuedAt + 3600,
        ])
        let signingInput = base64URL(Array(header.utf8)) + "." + base64URL(claims)
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: SHA256.hash(data: Array(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        } catch {
            throw ExportError(.configuration, reason: "cannot sign the service account JWT", retryable: false)
        }
        return signingInput + "." + base64URL(Array(signature.rawRepresentation))
    }

    private static func json(_ object: [String: Any]) throws(ExportError) -> [UInt8] {
        do {
            return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        } catch {
            throw ExportError(.configuration, reason: "cannot encode JWT claims", retryable: false)
        }
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

import Foundation
import Synchronization

@testable import Export

/// An RSA key pair made by the openssl command line (an implementation independent of swift-crypto), and a
/// service-account key file naming a local token endpoint.
struct ServiceAccountFixture {
    let directory: TestDirectory
    let keyFile: String
    let publicKey: String

    init(tokenURI: String) throws {
        directory = try TestDirectory("gcs-key")
        let privateKey = directory.path + "/key.pem"
        publicKey = directory.path + "/pub.pem"
        try Self.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privateKey])
        try Self.openssl(["pkey", "-in", privateKey, "-pubout", "-out", publicKey])
        let object: [String: String] = [
            "type": "service_account", "client_email": "exporter@sipswarm-test.iam.gserviceaccount.com",
            "private_key": try String(contentsOfFile: privateKey, encoding: .utf8), "token_uri": tokenURI,
        ]
        keyFile = directory.path + "/service-account.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: keyFile))
    }

    /// Whether openssl accepts `jwt`'s RS256 signature under the public key.
    func verify(jwt: String) throws -> Bool {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Self.base64URLDecode(parts[2]) else { return false }
        let input = directory.path + "/input", sig = directory.path + "/sig"
        try Data("\(parts[0]).\(parts[1])".utf8).write(to: URL(fileURLWithPath: input))
        try signature.write(to: URL(fileURLWithPath: sig))
        return (try? Self.openssl(["dgst", "-sha256", "-verify", publicKey, "-signature", sig, input])) != nil
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    @discardableResult
    static func openssl(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PeerError("openssl \(arguments[0]) failed") }
        return process.terminationStatus
    }
}

/// An OAuth2 token endpoint: records each JWT assertion and answers with a fixed token.
final class TokenEndpoint: Sendable {
    static let token = "ya29.sipswarm-test-token"
    private let assertions = Mutex<[String]>([])

    var received: [String] { assertions.withLock { $0 } }

    func handle(_ request: MiniRequest) -> MiniResponse {
        let form = URIDecoding.queryPairs(Substring(String(decoding: request.body, as: UTF8.self)))
        guard request.method == "POST", form.first(where: { $0.0 == "grant_type" })?.1 == "urn:ietf:params:oauth:grant-type:jwt-bearer",
            let assertion = form.first(where: { $0.0 == "assertion" })?.1
        else {
            return MiniResponse(status: 400, body: Array(#"{"error":"invalid_grant"}"#.utf8))
        }
        assertions.withLock { $0.append(assertion) }
        return MiniResponse(
            status: 200, headers: [("Content-Type", "application/json")],
            body: Array(#"{"access_token":"\#(Self.token)","expires_in":3600,"token_type":"Bearer"}"#.utf8)
        )
    }
}

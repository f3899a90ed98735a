import Crypto
import Foundation
import NIOSSH
import Testing

@testable import SFTP

@Suite("known_hosts checking")
struct KnownHostsTests {
    let serverKey = NIOSSHPrivateKey(ed25519Key: .init()).publicKey
    let otherKey = NIOSSHPrivateKey(ed25519Key: .init()).publicKey
    let p256Key = NIOSSHPrivateKey(p256Key: .init()).publicKey

    private func line(_ hosts: String, _ key: NIOSSHPublicKey) -> String {
        "\(hosts) \(String(openSSHPublicKey: key)) comment"
    }

    @Test("a pinned [host]:port line accepts its key")
    func pinned() throws {
        let file = KnownHosts(text: "# comment\n\n" + line("[127.0.0.1]:27501", serverKey))
        try file.verify(host: "127.0.0.1", port: 27501, key: serverKey)
    }

    @Test("port 22 uses the bare host name, in a comma list")
    func defaultPort() throws {
        let file = KnownHosts(text: line("sftp.example.com,192.0.2.7", serverKey))
        try file.verify(host: "SFTP.example.com", port: 22, key: serverKey)
        #expect(throws: SFTPError(.unknownHostKey, "")) { try file.verify(host: "sftp.example.com", port: 2222, key: serverKey) }
    }

    @Test("an unlisted host is unknown; another key of the same type is a mismatch")
    func unknownAndMismatch() {
        let file = KnownHosts(text: line("[127.0.0.1]:27501", serverKey))
        #expect(throws: SFTPError(.unknownHostKey, "")) { try file.verify(host: "127.0.0.1", port: 27502, key: serverKey) }
        #expect(throws: SFTPError(.hostKeyMismatch, "")) { try file.verify(host: "127.0.0.1", port: 27501, key: otherKey) }
        // A key of a type the file does not list for the host is unknown, not a mismatch (as in OpenSSH).
        #expect(throws: SFTPError(.unknownHostKey, "")) { try file.verify(host: "127.0.0.1", port: 27501, key: p256Key) }
    }

    @Test("ECDSA P-256 host keys are matched too")
    func p256() throws {
        try KnownHosts(text: line("[h]:2222", p256Key)).verify(host: "h", port: 2222, key: p256Key)
    }

    @Test("hashed host names (ssh-keygen -H) match")
    func hashed() throws {
        let salt = Array("0123456789abcdefghij".utf8)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array("[10.0.0.5]:2222".utf8), using: SymmetricKey(data: salt))
        let hosts = "|1|\(Data(salt).base64EncodedString())|\(Data(mac).base64EncodedString())"
        let file = KnownHosts(text: line(hosts, serverKey))
        try file.verify(host: "10.0.0.5", port: 2222, key: serverKey)
        #expect(throws: SFTPError(.unknownHostKey, "")) { try file.verify(host: "10.0.0.6", port: 2222, key: serverKey) }
    }

    @Test("@revoked refuses a key even where it is listed; wildcards and garbage never match")
    func revokedAndGarbage() {
        let text = [
            "@revoked * \(String(openSSHPublicKey: otherKey))",
            line("[127.0.0.1]:27501", otherKey),
            line("*", serverKey),
            "garbage",
            "[127.0.0.1]:27501 ssh-ed25519 not-base64",
        ].joined(separator: "\n")
        let file = KnownHosts(text: text)
        #expect(throws: SFTPError(.hostKeyMismatch, "")) { try file.verify(host: "127.0.0.1", port: 27501, key: otherKey) }
        // The port lists another Ed25519 key (the revoked one), so the server's key is a mismatch there …
        #expect(throws: SFTPError(.hostKeyMismatch, "")) { try file.verify(host: "127.0.0.1", port: 27501, key: serverKey) }
        // … and unknown where only the `*` pattern would have matched.
        #expect(throws: SFTPError(.unknownHostKey, "")) { try file.verify(host: "127.0.0.1", port: 27502, key: serverKey) }
    }
}

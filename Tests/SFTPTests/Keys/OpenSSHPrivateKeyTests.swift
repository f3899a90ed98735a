import Foundation
import NIOSSH
import Testing

@testable import SFTP

@Suite("OpenSSH private key files")
struct OpenSSHPrivateKeyTests {
    /// A throwaway test key made with `ssh-keygen -t ed25519 -N '' -C vector`; it guards no account.
    static let ed25519Vector = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACCb8n0G2jsHW+Rc+A1YK6+nlz1NoObv23OMUtDpRypAGwAAAJBd0wgUXdMI
        FAAAAAtzc2gtZWQyNTUxOQAAACCb8n0G2jsHW+Rc+A1YK6+nlz1NoObv23OMUtDpRypAGw
        AAAEDJD167yn626S/OUMi5rLA+4SuOSCKFBWq9v0o1afvwV5vyfQbaOwdb5Fz4DVgrr6eX
        PU2g5u/bc4xS0OlHKkAbAAAABnZlY3RvcgECAwQFBgc=
        -----END OPENSSH PRIVATE KEY-----
        """
    static let ed25519VectorPublic = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJvyfQbaOwdb5Fz4DVgrr6eXPU2g5u/bc4xS0OlHKkAb"

    @Test("the Ed25519 vector yields the matching public key")
    func ed25519Vector() throws {
        let key = try OpenSSHPrivateKey.parse(Self.ed25519Vector)
        #expect(String(openSSHPublicKey: key.publicKey) == Self.ed25519VectorPublic)
    }

    @Test("keys fresh from ssh-keygen parse and match their .pub", arguments: ["ed25519", "ecdsa"])
    func generated(type: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/id"
        try run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-b", "256", "-N", "", "-C", "t", "-f", path])
        let key = try OpenSSHPrivateKey.load(path: path)
        let publicLine = try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        #expect(String(openSSHPublicKey: key.publicKey) == publicLine)
    }

    @Test("a passphrase-protected key is refused as encrypted")
    func encrypted() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/id"
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "correct horse", "-f", path])
        #expect(throws: SFTPError(.encryptedPrivateKey, "")) { try OpenSSHPrivateKey.load(path: path) }
    }

    @Test("RSA keys are refused as unsupported, without key bytes in the reason")
    func rsa() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/id"
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", path])
        do {
            _ = try OpenSSHPrivateKey.load(path: path)
            Issue.record("RSA key was accepted")
        } catch {
            #expect(error.code == .invalidPrivateKey)
            #expect(error.reason.contains("ssh-rsa"))
            #expect(!error.reason.contains("AAAA"))
        }
    }

    @Test("damaged files are typed errors", arguments: [
        "",
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n-----END OPENSSH PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----",
    ])
    func damaged(text: String) {
        #expect(throws: SFTPError(.invalidPrivateKey, "")) { try OpenSSHPrivateKey.parse(text) }
    }

    @Test("every truncation of a valid key is a typed error, never a crash")
    func truncations() throws {
        let body = Self.ed25519Vector.split(separator: "\n").dropFirst().dropLast().joined()
        let bytes = try #require(Data(base64Encoded: body))
        for length in 0..<bytes.count {
            let text = "-----BEGIN OPENSSH PRIVATE KEY-----\n\(bytes.prefix(length).base64EncodedString())\n-----END OPENSSH PRIVATE KEY-----"
            #expect(throws: SFTPError.self) { try OpenSSHPrivateKey.parse(text) }
        }
    }
}

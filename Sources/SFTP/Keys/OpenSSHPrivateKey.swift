import Crypto
import Foundation
internal import NIOCore
public import NIOSSH

/// Reads unencrypted Ed25519 and ECDSA P-256 keys in the OpenSSH private key format (`openssh-key-v1`, PROTOCOL.key
/// in the OpenSSH sources) — the format `ssh-keygen` writes by default.
///
/// Passphrase-protected keys are refused with `encryptedPrivateKey`: an unattended exporter has nobody to ask, and
/// keeping the passphrase in the config next to the key would protect nothing.
public enum OpenSSHPrivateKey {
    private static let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    private static let end = "-----END OPENSSH PRIVATE KEY-----"
    private static let magic = Array("openssh-key-v1\0".utf8)

    /// Loads and parses the key file at `path`.
    public static func load(path: String) throws(SFTPError) -> NIOSSHPrivateKey {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SFTPError(.invalidPrivateKey, "cannot read private key file \(path)")
        }
        return try parse(text)
    }

    /// Parses the text of a key file. Errors name what is wrong, never the key's bytes.
    public static func parse(_ text: String) throws(SFTPError) -> NIOSSHPrivateKey {
        var buffer = try decodeArmor(text)
        do throws(SFTPError) {
            return try parseBlob(&buffer)
        } catch where error.code == .malformedPacket {
            // The wire reader speaks of packets; for a key file the right word is a damaged key.
            throw SFTPError(.invalidPrivateKey, "OpenSSH private key is truncated or damaged")
        }
    }

    private static func decodeArmor(_ text: String) throws(SFTPError) -> ByteBuffer {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.firstIndex(of: begin), let last = lines.firstIndex(of: end), first < last else {
            if text.contains("ENCRYPTED") {
                throw SFTPError(.encryptedPrivateKey, "the private key is encrypted; only unencrypted keys are supported")
            }
            throw SFTPError(
                .invalidPrivateKey,
                "not an OpenSSH private key (expected \(begin); convert with `ssh-keygen -p -f FILE`)"
            )
        }
        let base64 = lines[(first + 1)..<last].joined()
        guard let data = Data(base64Encoded: base64) else {
            throw SFTPError(.invalidPrivateKey, "OpenSSH private key body is not valid base64")
        }
        return ByteBuffer(bytes: data)
    }

    private static func parseBlob(_ buffer: inout ByteBuffer) throws(SFTPError) -> NIOSSHPrivateKey {
        guard buffer.readBytes(length: magic.count) == magic else {
            throw SFTPError(.invalidPrivateKey, "OpenSSH private key lacks the openssh-key-v1 header")
        }
        let cipher = try buffer.readSSHString("cipher name")
        let kdf = try buffer.readSSHString("kdf name")
        _ = try buffer.readSSHBytes("kdf options")
        guard cipher == "none", kdf == "none" else {
            throw SFTPError(
                .encryptedPrivateKey,
                "the private key is protected by a passphrase (cipher \(cipher)); use an unencrypted key file with mode 0600"
            )
        }
        guard try buffer.readSSHUInt32("key count") == 1 else {
            throw SFTPError(.invalidPrivateKey, "OpenSSH private key file must hold exactly one key")
        }
        _ = try buffer.readSSHBytes("public key")
        var secret = try buffer.readSSHBytes("private section")
        // Two equal check integers: for encrypted keys they detect a wrong passphrase, here they detect damage.
        guard try secret.readSSHUInt32("check 1") == (try secret.readSSHUInt32("check 2")) else {
            throw SFTPError(.invalidPrivateKey, "OpenSSH private key check integers differ")
        }
        let type = try secret.readSSHString("key type")
        switch type {
        case "ssh-ed25519":
            return try readEd25519(&secret)
        case "ecdsa-sha2-nistp256":
            return try readP256(&secret)
        default:
            throw SFTPError(.invalidPrivateKey, "unsupported private key type \(type); use ssh-ed25519 or ecdsa-sha2-nistp256")
        }
    }

    private static func readEd25519(_ secret: inout ByteBuffer) throws(SFTPError) -> NIOSSHPrivateKey {
        let publicKey = try secret.readSSHBytes("ed25519 public key")
        let combined = try secret.readSSHBytes("ed25519 private key")
        // The private field is the 32-byte seed followed by the 32-byte public key.
        guard publicKey.readableBytes == 32, combined.readableBytes == 64,
            let seed = combined.getBytes(at: combined.readerIndex, length: 32),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed),
            key.publicKey.rawRepresentation.elementsEqual(publicKey.readableBytesView)
        else {
            throw SFTPError(.invalidPrivateKey, "Ed25519 private key is inconsistent with its public key")
        }
        return NIOSSHPrivateKey(ed25519Key: key)
    }

    private static func readP256(_ secret: inout ByteBuffer) throws(SFTPError) -> NIOSSHPrivateKey {
        let curve = try secret.readSSHString("ecdsa curve")
        let point = try secret.readSSHBytes("ecdsa public point")
        var scalar = Array(try secret.readSSHBytes("ecdsa private scalar").readableBytesView)
        // An mpint: big-endian, a leading zero when the top bit is set, shorter when the value is small.
        while scalar.first == 0 { scalar.removeFirst() }
        guard curve == "nistp256", scalar.count <= 32 else {
            throw SFTPError(.invalidPrivateKey, "ECDSA private key is not a P-256 key")
        }
        let padded = Array(repeating: 0, count: 32 - scalar.count) + scalar
        guard let key = try? P256.Signing.PrivateKey(rawRepresentation: padded),
            key.publicKey.x963Representation.elementsEqual(point.readableBytesView)
        else {
            throw SFTPError(.invalidPrivateKey, "ECDSA private key is inconsistent with its public key")
        }
        return NIOSSHPrivateKey(p256Key: key)
    }
}

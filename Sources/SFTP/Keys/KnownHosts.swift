import Crypto
import Foundation
public import NIOSSH

/// The subset of OpenSSH's `known_hosts` format this client trusts host keys from.
///
/// Lines: `[marker] hostnames keytype base64 [comment]`. Host names are plain (`host`, or `[host]:port` for ports
/// other than 22, comma-separated) or hashed (`|1|salt|hmac`, as `ssh-keygen -H` writes them). Patterns with `*`, `?`
/// or `!` are not interpreted and never match: a pin here should name its host exactly. `@cert-authority` lines are
/// skipped (no certificates); `@revoked` lines refuse their key for every host.
public struct KnownHosts: Sendable {
    struct Entry: Sendable {
        enum Hosts: Sendable {
            case names([String])
            case hashed(salt: [UInt8], hash: [UInt8])
        }
        var hosts: Hosts
        var keyType: String
        /// Nil when the type is one swift-nio-ssh cannot parse (e.g. ssh-rsa): it still counts for mismatch reporting.
        var key: NIOSSHPublicKey?
        var revoked: Bool
    }

    private(set) var entries: [Entry]

    public init(contentsOf path: String) throws(SFTPError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SFTPError(.invalidKnownHosts, "cannot read known_hosts file \(path)")
        }
        self.init(text: text)
    }

    public init(text: String) {
        entries = text.split(whereSeparator: \.isNewline).compactMap { Self.parse(line: $0) }
    }

    /// The token a host is listed under: `host` on port 22, `[host]:port` otherwise (as `ssh-keyscan` writes it).
    public static func hostToken(host: String, port: Int) -> String {
        port == 22 ? host.lowercased() : "[\(host.lowercased())]:\(port)"
    }

    /// Succeeds when the file lists `key` for the host; otherwise says whether the host is unknown or its key differs.
    public func verify(host: String, port: Int, key: NIOSSHPublicKey) throws(SFTPError) {
        let token = Self.hostToken(host: host, port: port)
        let presentedType = Self.keyType(of: key)
        if entries.contains(where: { $0.revoked && $0.key == key }) {
            throw SFTPError(.hostKeyMismatch, "the \(presentedType) host key of \(token) is marked @revoked")
        }
        let forHost = entries.filter { !$0.revoked && Self.matches($0.hosts, token: token) }
        if forHost.contains(where: { $0.key == key }) { return }
        if forHost.contains(where: { $0.keyType == presentedType }) {
            throw SFTPError(
                .hostKeyMismatch,
                "the \(presentedType) host key of \(token) differs from the one in known_hosts (possible man-in-the-middle)"
            )
        }
        throw SFTPError(
            .unknownHostKey,
            "no \(presentedType) host key for \(token) in known_hosts; pin it with a line `\(token) \(presentedType) AAAA…`"
        )
    }

    static func keyType(of key: NIOSSHPublicKey) -> String {
        String(String(openSSHPublicKey: key).prefix { $0 != " " })
    }

    private static func parse(line: Substring) -> Entry? {
        var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = fields.first, !first.hasPrefix("#") else { return nil }
        var revoked = false
        if first.hasPrefix("@") {
            guard first == "@revoked" else { return nil }
            revoked = true
            fields.removeFirst()
        }
        guard fields.count >= 3, let hosts = parseHosts(fields[0]) else { return nil }
        let key = try? NIOSSHPublicKey(openSSHPublicKey: "\(fields[1]) \(fields[2])")
        return Entry(hosts: hosts, keyType: fields[1], key: key, revoked: revoked)
    }

    private static func parseHosts(_ field: String) -> Entry.Hosts? {
        guard field.hasPrefix("|1|") else {
            return .names(field.split(separator: ",").map { $0.lowercased() })
        }
        let parts = field.dropFirst(3).split(separator: "|")
        guard parts.count == 2, let salt = Data(base64Encoded: String(parts[0])),
            let hash = Data(base64Encoded: String(parts[1]))
        else { return nil }
        return .hashed(salt: Array(salt), hash: Array(hash))
    }

    private static func matches(_ hosts: Entry.Hosts, token: String) -> Bool {
        switch hosts {
        case .names(let names):
            return names.contains(token)
        case .hashed(let salt, let hash):
            // OpenSSH hashes host names with HMAC-SHA1 keyed by the per-line salt.
            let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(token.utf8), using: SymmetricKey(data: salt))
            return Array(mac) == hash
        }
    }
}

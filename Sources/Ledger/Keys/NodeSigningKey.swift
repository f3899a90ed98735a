internal import Crypto
internal import Foundation

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The node's Ed25519 key pair, kept under `DATA/keys/` (see docs/ledger-format.md).
public struct NodeSigningKey: Sendable {
    /// The folder under the data directory that holds the key files.
    public static let keysFolder = "keys"
    /// The private key file name: base64 of the 32-byte seed, mode 0600.
    public static let privateKeyFileName = "node-ed25519.key"
    /// The public key file name: base64 of the 32-byte public key.
    public static let publicKeyFileName = "node-ed25519.pub"

    private let privateKey: Curve25519.Signing.PrivateKey

    /// The 32 raw bytes of the public key.
    public let publicKeyBytes: [UInt8]

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.publicKeyBytes = Array(privateKey.publicKey.rawRepresentation)
    }

    /// Base64 of the 32-byte public key, as written in checkpoints and in the `.pub` file.
    public var publicKeyBase64: String { Data(publicKeyBytes).base64EncodedString() }

    /// Base64 of the Ed25519 signature over `bytes`; empty only if the signer itself fails,
    /// which makes every verifier reject the result (use `signatureBase64(for:)` to see the error).
    public func signBase64(_ bytes: [UInt8]) -> String {
        (try? signatureBase64(for: bytes)) ?? ""
    }

    /// Base64 of the Ed25519 signature over `bytes`.
    public func signatureBase64(for bytes: [UInt8]) throws(LedgerError) -> String {
        do {
            return try privateKey.signature(for: bytes).base64EncodedString()
        } catch {
            throw LedgerError(.signingFailed, "Ed25519 signing failed: \(error)")
        }
    }

    /// The path of the keys folder under `dataDirectory`.
    public static func keysDirectory(dataDirectory: String) -> String {
        dataDirectory + "/" + keysFolder
    }

    /// Loads the node key from `DATA/keys/`, creating the folders and the pair (private file 0600 first) when there is none.
    public static func loadOrCreate(dataDirectory: String) throws(LedgerError) -> NodeSigningKey {
        let directory = keysDirectory(dataDirectory: dataDirectory)
        try makeDirectory(directory)
        let privatePath = directory + "/" + privateKeyFileName
        let publicPath = directory + "/" + publicKeyFileName

        let key: NodeSigningKey
        if let existing = try readBase64File(privatePath) {
            key = try keyFromSeed(existing, path: privatePath)
        } else {
            if try readBase64File(publicPath) != nil {
                throw LedgerError(.keyFileMismatch, "\(publicPath) exists without its private key \(privateKeyFileName); move it aside to create a new key pair")
            }
            let fresh = NodeSigningKey(privateKey: Curve25519.Signing.PrivateKey())
            let seed = Data(fresh.privateKey.rawRepresentation).base64EncodedString() + "\n"
            switch try createExclusively(path: privatePath, contents: Array(seed.utf8), mode: 0o600) {
            case .created:
                key = fresh
            case .alreadyExists:
                // Another process created it between our read and our create: use theirs.
                guard let theirs = try readBase64File(privatePath) else {
                    throw LedgerError(.keyFileIO, "\(privatePath) vanished while being created")
                }
                key = try keyFromSeed(theirs, path: privatePath)
            }
            try syncDirectory(directory)
        }

        if let publicBytes = try readBase64File(publicPath) {
            guard publicBytes == key.publicKeyBytes else {
                throw LedgerError(.keyFileMismatch, "\(publicPath) does not hold the public half of \(privateKeyFileName)")
            }
        } else {
            let text = key.publicKeyBase64 + "\n"
            switch try createExclusively(path: publicPath, contents: Array(text.utf8), mode: 0o644) {
            case .created:
                try syncDirectory(directory)
            case .alreadyExists:
                guard let publicBytes = try readBase64File(publicPath), publicBytes == key.publicKeyBytes else {
                    throw LedgerError(.keyFileMismatch, "\(publicPath) does not hold the public half of \(privateKeyFileName)")
                }
            }
        }
        return key
    }

    /// The node's 32-byte public key from `DATA/keys/node-ed25519.pub`, or nil when that file does not exist.
    public static func loadPublicKey(dataDirectory: String) throws(LedgerError) -> [UInt8]? {
        let path = keysDirectory(dataDirectory: dataDirectory) + "/" + publicKeyFileName
        guard let bytes = try readBase64File(path) else { return nil }
        guard bytes.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil else {
            throw LedgerError(.keyFileCorrupt, "\(path) does not hold base64 of a 32-byte Ed25519 public key")
        }
        return bytes
    }

    private static func keyFromSeed(_ seed: [UInt8], path: String) throws(LedgerError) -> NodeSigningKey {
        guard seed.count == 32, let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw LedgerError(.keyFileCorrupt, "\(path) does not hold base64 of a 32-byte Ed25519 seed")
        }
        return NodeSigningKey(privateKey: privateKey)
    }

    // nil when the file does not exist; its base64 payload (one trailing newline allowed) otherwise.
    private static func readBase64File(_ path: String) throws(LedgerError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw LedgerError(.keyFileIO, "cannot open \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw LedgerError(.keyFileIO, "cannot read \(path): \(String(cString: strerror(code)))")
            }
            if count == 0 { break }
            contents.append(contentsOf: buffer[0..<count])
            // Key files are tiny; anything large is not one.
            guard contents.count <= 4096 else {
                throw LedgerError(.keyFileCorrupt, "\(path) is too large to be a key file")
            }
        }
        if contents.last == UInt8(ascii: "\n") {
            contents.removeLast()
        }
        guard let decoded = Data(base64Encoded: Data(contents)) else {
            throw LedgerError(.keyFileCorrupt, "\(path) is not base64 text")
        }
        return Array(decoded)
    }

    private enum CreateOutcome {
        case created
        case alreadyExists
    }

    // O_CREAT|O_EXCL with the final mode, so the file is never readable by others, not even briefly.
    private static func createExclusively(path: String, contents: [UInt8], mode: mode_t) throws(LedgerError) -> CreateOutcome {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if descriptor < 0 {
            let code = errno
            if code == EEXIST { return .alreadyExists }
            throw LedgerError(.keyFileIO, "cannot create \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var written = 0
        while written < contents.count {
            let count = contents.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw LedgerError(.keyFileIO, "cannot write \(path): \(String(cString: strerror(code)))")
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            throw LedgerError(.keyFileIO, "cannot fsync \(path): \(String(cString: strerror(errno)))")
        }
        return .created
    }

    // mkdir -p: missing parents (the data directory itself on first start) get 0755, the keys folder 0700.
    private static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(LedgerError) {
        if mkdir(path, mode) == 0 {
            return
        }
        var code = errno
        if code == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectory(String(path[..<slash]), mode: 0o755)
            if mkdir(path, mode) == 0 {
                return
            }
            code = errno
        }
        guard code == EEXIST else {
            throw LedgerError(.keyFileIO, "cannot create \(path): \(String(cString: strerror(code)))")
        }
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw LedgerError(.keyFileIO, "\(path) exists and is not a directory")
        }
    }

    private static func syncDirectory(_ path: String) throws(LedgerError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LedgerError(.keyFileIO, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw LedgerError(.keyFileIO, "cannot fsync \(path): \(String(cString: strerror(errno)))")
        }
    }
}

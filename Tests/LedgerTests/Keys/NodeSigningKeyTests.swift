import Foundation
import Testing
@testable import Ledger

@Suite struct NodeSigningKeyTests {
    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func code(_ body: () throws(LedgerError) -> Void) -> LedgerError.Code? {
        do {
            try body()
            return nil
        } catch {
            return error.code
        }
    }

    @Test func createThenLoadRoundTrips() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        #expect(try NodeSigningKey.loadPublicKey(dataDirectory: data.path) == nil)
        let created = try NodeSigningKey.loadOrCreate(dataDirectory: data.path)
        let loaded = try NodeSigningKey.loadOrCreate(dataDirectory: data.path)
        #expect(created.publicKeyBytes == loaded.publicKeyBytes)
        #expect(created.publicKeyBytes.count == 32)
        #expect(try NodeSigningKey.loadPublicKey(dataDirectory: data.path) == created.publicKeyBytes)
        let message: [UInt8] = Array("checkpoint".utf8)
        // Ed25519 is deterministic: the same key signs the same bytes identically.
        #expect(created.signBase64(message) == loaded.signBase64(message))

        let keys = data.path + "/keys"
        let privateText = try String(contentsOfFile: keys + "/node-ed25519.key", encoding: .utf8)
        let publicText = try String(contentsOfFile: keys + "/node-ed25519.pub", encoding: .utf8)
        #expect(privateText.hasSuffix("\n"))
        #expect(Data(base64Encoded: String(privateText.dropLast()))?.count == 32)
        #expect(publicText == created.publicKeyBase64 + "\n")
        #expect(Data(base64Encoded: created.publicKeyBase64).map(Array.init) == created.publicKeyBytes)
    }

    @Test func privateKeyFileIsOwnerOnly() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path)
        #expect(try Self.permissions(data.path + "/keys/node-ed25519.key") == 0o600)
        #expect(try Self.permissions(data.path + "/keys") & 0o077 == 0)
    }

    @Test func existingSeedIsUsedWithOrWithoutTrailingNewline() throws {
        // RFC 8032 §7.1 test 1: secret key, public key, and the signature of the empty message.
        let seed = MerkleVectors.bytes(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let publicKey = MerkleVectors.bytes(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature = MerkleVectors.bytes(hex: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        for suffix in ["", "\n"] {
            let data = try TemporaryDirectory()
            defer { data.remove() }
            try FileManager.default.createDirectory(atPath: data.path + "/keys", withIntermediateDirectories: true)
            try (Data(seed).base64EncodedString() + suffix).write(toFile: data.path + "/keys/node-ed25519.key", atomically: false, encoding: .utf8)
            let key = try NodeSigningKey.loadOrCreate(dataDirectory: data.path)
            #expect(key.publicKeyBytes == publicKey)
            #expect(key.signBase64([]) == Data(signature).base64EncodedString())
            #expect(try NodeSigningKey.loadPublicKey(dataDirectory: data.path) == publicKey)
        }
    }

    @Test(arguments: ["not base64 at all", "", "AAAA\n", Data(repeating: 7, count: 33).base64EncodedString(), "\n\n"])
    func corruptPrivateKeyIsATypedErrorAndIsNotOverwritten(_ contents: String) throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let path = data.path + "/keys/node-ed25519.key"
        try FileManager.default.createDirectory(atPath: data.path + "/keys", withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(Self.code { () throws(LedgerError) in _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path) } == .keyFileCorrupt)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == contents)
        #expect(!FileManager.default.fileExists(atPath: data.path + "/keys/node-ed25519.pub"))
    }

    @Test func corruptOrForeignPublicKeyIsATypedError() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path)
        let publicPath = data.path + "/keys/node-ed25519.pub"
        try "garbage".write(toFile: publicPath, atomically: false, encoding: .utf8)
        #expect(Self.code { () throws(LedgerError) in _ = try NodeSigningKey.loadPublicKey(dataDirectory: data.path) } == .keyFileCorrupt)
        #expect(Self.code { () throws(LedgerError) in _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path) } == .keyFileCorrupt)

        let other = try TemporaryDirectory()
        defer { other.remove() }
        let foreign = try NodeSigningKey.loadOrCreate(dataDirectory: other.path)
        try (foreign.publicKeyBase64 + "\n").write(toFile: publicPath, atomically: false, encoding: .utf8)
        #expect(Self.code { () throws(LedgerError) in _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path) } == .keyFileMismatch)
        #expect(try String(contentsOfFile: publicPath, encoding: .utf8) == foreign.publicKeyBase64 + "\n")
    }

    @Test func publicKeyWithoutPrivateKeyIsNotReplaced() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let other = try TemporaryDirectory()
        defer { other.remove() }
        let foreign = try NodeSigningKey.loadOrCreate(dataDirectory: other.path)
        try FileManager.default.createDirectory(atPath: data.path + "/keys", withIntermediateDirectories: true)
        try foreign.publicKeyBase64.write(toFile: data.path + "/keys/node-ed25519.pub", atomically: false, encoding: .utf8)
        #expect(Self.code { () throws(LedgerError) in _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path) } == .keyFileMismatch)
        #expect(!FileManager.default.fileExists(atPath: data.path + "/keys/node-ed25519.key"))
    }

    @Test func missingPublicKeyIsRewrittenFromThePrivateKey() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let key = try NodeSigningKey.loadOrCreate(dataDirectory: data.path)
        try FileManager.default.removeItem(atPath: data.path + "/keys/node-ed25519.pub")
        #expect(try NodeSigningKey.loadOrCreate(dataDirectory: data.path).publicKeyBytes == key.publicKeyBytes)
        #expect(try NodeSigningKey.loadPublicKey(dataDirectory: data.path) == key.publicKeyBytes)
    }

    @Test func unusableDataDirectoryIsAnIOError() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        try "file".write(toFile: data.path + "/keys", atomically: false, encoding: .utf8)
        #expect(Self.code { () throws(LedgerError) in _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path) } == .keyFileIO)
        #expect(Self.code { () throws(LedgerError) in _ = try NodeSigningKey.loadOrCreate(dataDirectory: data.path + "/keys/deeper") } == .keyFileIO)
    }

    @Test func missingDataDirectoryIsCreated() throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        let key = try NodeSigningKey.loadOrCreate(dataDirectory: data.path + "/node/data")
        #expect(try NodeSigningKey.loadPublicKey(dataDirectory: data.path + "/node/data") == key.publicKeyBytes)
        #expect(try Self.permissions(data.path + "/node/data/keys/node-ed25519.key") == 0o600)
    }
}

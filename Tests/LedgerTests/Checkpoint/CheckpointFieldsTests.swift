import Records
import Testing
@testable import Ledger

@Suite struct CheckpointFieldsTests {
    static func makeKey() throws -> (NodeSigningKey, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        return (try NodeSigningKey.loadOrCreate(dataDirectory: directory.path), directory)
    }

    static func heads() -> [String: ChainHead] {
        var tree = MerkleTree()
        for index in 0..<5 {
            tree.append(recordHash: LedgerHash.sha256([UInt8(index)]))
        }
        return ["cdr": tree.head, "attempt": .empty]
    }

    @Test func fieldsHaveTheDocumentedShape() {
        let fields = CheckpointFields.make(timeMicros: 1_700_000_000_000_000, chains: Self.heads(), publicKeyBase64: "cHVi")
        let text = CanonicalJSON.object(fields).canonicalString()
        let cdrRoot = Self.heads()["cdr"]?.root.hex ?? ""
        let expected = #"{"chains":{"attempt":{"root":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"#
            + #""cdr":{"root":"\#(cdrRoot)","size":5}},"public_key":"cHVi","time_us":1700000000000000}"#
        #expect(text == expected)
        #expect(CheckpointFields.chainHeads(of: fields) == Self.heads())
    }

    @Test func signedCheckpointVerifiesAndAnyFieldChangeBreaksIt() throws {
        let (key, directory) = try Self.makeKey()
        defer { directory.remove() }
        var chain = HashChain(nodeID: "n1", kind: "checkpoint")
        _ = chain.seal(CheckpointFields.make(timeMicros: 1, chains: [:], publicKeyBase64: key.publicKeyBase64), sign: key.signBase64)
        let fields = CheckpointFields.make(timeMicros: 42, chains: Self.heads(), publicKeyBase64: key.publicKeyBase64)
        let sealed = chain.seal(fields, sign: key.signBase64)
        let object = sealed.object
        #expect(CheckpointFields.verifySignature(object))
        #expect(CheckpointFields.publicKey(of: object) == key.publicKeyBytes)
        // The hash covers the signature: it is SHA-256 of everything but `hash`.
        #expect(sealed.hash == RecordHashing.hash(of: object.filter { $0.key != "hash" }))
        #expect(object["signature"] != nil)

        let changes: [(String, CanonicalJSON)] = [
            ("time_us", .integer(43)),
            ("seq", .integer(3)),
            ("node", .string("n2")),
            ("kind", .string("cdr")),
            ("prev_hash", .string(LedgerHash.zero.hex)),
            ("chains", .object([:])),
            ("chains", CheckpointFields.make(
                timeMicros: 0, chains: ["cdr": ChainHead(size: 4, root: Self.heads()["cdr"]?.root ?? .zero), "attempt": .empty],
                publicKeyBase64: ""
            )["chains"] ?? .null),
            ("extra", .string("added")),
        ]
        for (field, value) in changes {
            var tampered = object
            tampered[field] = value
            #expect(!CheckpointFields.verifySignature(tampered), "changed \(field)")
        }
        for field in object.keys where field != "hash" {
            var tampered = object
            tampered.removeValue(forKey: field)
            #expect(!CheckpointFields.verifySignature(tampered), "removed \(field)")
        }
        // Another key's public key in place of the signer's.
        let (otherKey, otherDirectory) = try Self.makeKey()
        defer { otherDirectory.remove() }
        var swapped = object
        swapped["public_key"] = .string(otherKey.publicKeyBase64)
        #expect(!CheckpointFields.verifySignature(swapped))
        // A flipped signature bit.
        if case .string(let signature)? = object["signature"], let first = signature.first {
            var flipped = object
            flipped["signature"] = .string((first == "A" ? "B" : "A") + signature.dropFirst())
            #expect(!CheckpointFields.verifySignature(flipped))
        }
        // `hash` is not signed (it covers the signature instead).
        var rehashed = object
        rehashed["hash"] = .string(LedgerHash.zero.hex)
        #expect(CheckpointFields.verifySignature(rehashed))
    }

    @Test func malformedCheckpointsDoNotVerify() {
        #expect(!CheckpointFields.verifySignature([:]))
        #expect(!CheckpointFields.verifySignature(["signature": .string("!!"), "public_key": .string("AAAA")]))
        #expect(!CheckpointFields.verifySignature(["signature": .integer(1), "public_key": .integer(2)]))
        #expect(CheckpointFields.chainHeads(of: ["chains": .object(["cdr": .object(["root": .string("x"), "size": .integer(1)])])]) == nil)
        #expect(CheckpointFields.chainHeads(of: ["chains": .object(["cdr": .object(["root": .string(LedgerHash.zero.hex), "size": .integer(-1)])])]) == nil)
        #expect(CheckpointFields.chainHeads(of: [:]) == nil)
    }
}

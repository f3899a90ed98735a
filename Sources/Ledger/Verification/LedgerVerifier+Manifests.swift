internal import Foundation
internal import Records

/// What a closed file holds, gathered while its lines stream past: what its manifest must state.
struct ManifestFacts {
    var count: Int64 = 0
    var bytes: Int64 = 0
    var firstSeq: Int64?
    var lastSeq: Int64?
    let firstPrevHash: LedgerHash
    var lastHash: LedgerHash?
    var digest = StreamingSHA256()

    init(firstPrevHash: LedgerHash) {
        self.firstPrevHash = firstPrevHash
    }

    /// One line of the file (without its `\n`) that passed the chain checks.
    mutating func add(_ line: UnsafeBufferPointer<UInt8>, seq: Int64, hash: LedgerHash) {
        if firstSeq == nil { firstSeq = seq }
        lastSeq = seq
        lastHash = hash
        count += 1
        bytes += Int64(line.count) + 1
        digest.update(UnsafeRawBufferPointer(line))
        digest.update([UInt8(ascii: "\n")])
    }
}

/// File-name helpers shared by the chain scan and the manifest checks.
enum LedgerFileHandleName {
    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

extension LedgerVerifier {
    /// A closed file's manifest is named after it: `<file>.manifest.json`.
    static let manifestSuffix = ".manifest.json"
    /// The manifest's `format` value.
    static let manifestFormat = "sipswarm-file-manifest-1"
    // A manifest is a few hundred bytes; anything much bigger is not one.
    static let maxManifestBytes = 64 << 10

    /// Checks a manifest against the facts of its file: format, kind, node, file name, count, bytes,
    /// first/last seq, first `prev_hash`, last `hash` and the SHA-256 of the file's bytes.
    func checkManifest(_ relative: String, kind: String, fileName: String, facts: ManifestFacts) throws(LedgerVerificationFailure) {
        func failure(_ reason: String) -> LedgerVerificationFailure {
            LedgerVerificationFailure(.manifestMismatch, path: relative, lineNumber: nil, kind: kind, seq: nil, "manifest: " + reason)
        }
        guard let data = FileManager.default.contents(atPath: absolutePath(relative)) else {
            throw failure("cannot read it")
        }
        guard data.count <= Self.maxManifestBytes else { throw failure("larger than \(Self.maxManifestBytes) bytes") }
        var bytes = [UInt8](data)
        guard bytes.last == UInt8(ascii: "\n") else { throw failure("does not end with a newline") }
        bytes.removeLast()
        let value: CanonicalJSON
        do {
            value = try CanonicalJSONParser(maxBytes: Self.maxManifestBytes).parse(bytes)
        } catch {
            throw failure("not JSON: \(error)")
        }
        if let mismatch = CanonicalJSONParser.canonicalMismatch(of: value, text: bytes) {
            throw failure("not canonical JSON: \(mismatch)")
        }
        guard case .object(let object) = value else { throw failure("not a JSON object") }

        let expected: [String: CanonicalJSON] = [
            "format": .string(Self.manifestFormat),
            "kind": .string(kind),
            "node": object["node"] ?? .null,
            "file": .string(fileName),
            "count": .integer(facts.count),
            "bytes": .integer(facts.bytes),
            "first_seq": facts.firstSeq.map { .integer($0) } ?? .null,
            "last_seq": facts.lastSeq.map { .integer($0) } ?? .null,
            "first_prev_hash": .string(facts.firstPrevHash.hex),
            "last_hash": facts.lastHash.map { .string($0.hex) } ?? .null,
            "sha256": .string(facts.digest.finalize().hex),
        ]
        for key in object.keys.sorted() where expected[key] == nil {
            throw failure("unknown field \(key)")
        }
        for key in expected.keys.sorted() {
            guard let written = object[key] else { throw failure("field \(key) missing") }
            guard let wanted = expected[key], written == wanted else {
                throw failure("\(key) is \(Self.render(written)), the file gives \(Self.render(expected[key] ?? .null))")
            }
        }
        guard case .string = object["node"] else { throw failure("field node is not a string") }
    }

    private static func render(_ value: CanonicalJSON) -> String {
        String(decoding: value.canonicalBytes(), as: UTF8.self)
    }
}

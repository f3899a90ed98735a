import Ledger
import Records

/// What a chain's current file holds so far: the facts its manifest states when it is closed.
struct FileContents: Sendable {
    var count = 0
    var bytes = 0
    var firstSeq: UInt64?
    var firstPrevHash: LedgerHash?
    var lastSeq: UInt64?
    var lastHash: LedgerHash?
    var digest = StreamingSHA256()
    /// When the file became current.
    let openedAt: ContinuousClock.Instant

    init(openedAt: ContinuousClock.Instant = .now) {
        self.openedAt = openedAt
    }

    /// Notes one sealed record whose line goes into this file.
    mutating func add(_ sealed: SealedRecord, prevHash: LedgerHash) {
        if firstSeq == nil {
            firstSeq = sealed.seq
            firstPrevHash = prevHash
        }
        lastSeq = sealed.seq
        lastHash = sealed.hash
        count += 1
        bytes += sealed.line.count
        digest.update(sealed.line)
    }
}

/// The manifest written beside a closed record file (`<file>.manifest.json`, docs/ledger-format.md).
enum FileManifest {
    /// The value of the manifest's `format` field.
    static let format = "sipswarm-file-manifest-1"
    /// The suffix after the record file's name.
    static let suffix = ".manifest.json"

    /// The manifest's canonical JSON and a final `\n`; nil for a file without records (it gets no manifest).
    static func bytes(fileName: String, kind: String, nodeID: String, contents: FileContents) -> [UInt8]? {
        guard
            let firstSeq = contents.firstSeq, let lastSeq = contents.lastSeq,
            let firstPrevHash = contents.firstPrevHash, let lastHash = contents.lastHash
        else { return nil }
        let object: [String: CanonicalJSON] = [
            "format": .string(format),
            "kind": .string(kind),
            "node": .string(nodeID),
            "file": .string(fileName),
            "first_seq": .integer(Int64(clamping: firstSeq)),
            "last_seq": .integer(Int64(clamping: lastSeq)),
            "first_prev_hash": .string(firstPrevHash.hex),
            "last_hash": .string(lastHash.hex),
            "count": .integer(Int64(contents.count)),
            "bytes": .integer(Int64(contents.bytes)),
            "sha256": .string(contents.digest.finalize().hex),
        ]
        return CanonicalJSON.object(object).canonicalBytes() + [UInt8(ascii: "\n")]
    }
}

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

    /// Notes one record whose line (with its final `\n`) goes into this file.
    mutating func add(seq: UInt64, prevHash: LedgerHash, hash: LedgerHash, line: [UInt8]) {
        note(seq: seq, prevHash: prevHash, hash: hash, bytes: line.count)
        digest.update(line)
    }

    /// Notes one record read back from a file: `line` without its `\n`, which the file holds after it.
    mutating func add(seq: UInt64, prevHash: LedgerHash, hash: LedgerHash, lineWithoutTerminator line: ArraySlice<UInt8>) {
        note(seq: seq, prevHash: prevHash, hash: hash, bytes: line.count + 1)
        line.withUnsafeBytes { digest.update($0) }
        digest.update([UInt8(ascii: "\n")])
    }

    private mutating func note(seq: UInt64, prevHash: LedgerHash, hash: LedgerHash, bytes lineBytes: Int) {
        if firstSeq == nil {
            firstSeq = seq
            firstPrevHash = prevHash
        }
        lastSeq = seq
        lastHash = hash
        count += 1
        bytes += lineBytes
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

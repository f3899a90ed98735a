import Foundation
import Records
import Testing
@testable import Ledger

/// A small data directory written the way docs/ledger-format.md says, with HashChain, MerkleTree
/// and NodeSigningKey: cdr records over two files (named against chain order), attempts, one audit
/// record, and checkpoints after given cdr counts plus a final one.
struct LedgerFixture {
    /// Where one record sits.
    struct Place: Equatable, CustomStringConvertible {
        let path: String
        let line: Int
        let kind: String
        let seq: Int64

        var description: String { "\(path):\(line): \(kind) seq \(seq)" }
    }

    static let node = "n1"

    let directory: String
    let key: NodeSigningKey
    /// Every record's place, by kind, in seq order.
    private(set) var places: [String: [Place]] = [:]
    /// The chains as they stand after writing, to forge continuations.
    private(set) var chains: [String: HashChain] = [:]
    private(set) var trees: [String: MerkleTree] = [:]

    /// The cdr file holding the first half of the chain (its name sorts after the second's).
    static let firstCDRFile = "cdr/cdr-n1-b.jsonl"
    static let secondCDRFile = "cdr/cdr-n1-a.jsonl"

    init(cdr: Int = 12, attempts: Int = 5, checkpointAfterCDR: [Int] = [4], finalCheckpoint: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ledger-fixture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        key = try NodeSigningKey.loadOrCreate(dataDirectory: directory)
        for kind in ["cdr", "attempt", "audit", "checkpoint"] {
            chains[kind] = HashChain(nodeID: Self.node, kind: kind)
            trees[kind] = MerkleTree()
        }

        try append("audit", ["event": .string("node_started"), "version": .string("test"), "time_us": .integer(1_000)], to: "audit/audit-n1-1.jsonl")
        for index in 1...max(cdr, 1) where cdr > 0 {
            let file = index <= (cdr + 1) / 2 ? Self.firstCDRFile : Self.secondCDRFile
            try append("cdr", Self.cdrFields(index), to: file)
            if index <= attempts {
                try append("attempt", Self.attemptFields(index), to: "attempt/attempt-n1-1.jsonl")
            }
            if checkpointAfterCDR.contains(index) {
                try writeCheckpoint(time: Int64(index) * 1_000_000)
            }
        }
        if finalCheckpoint {
            try writeCheckpoint(time: 99_000_000)
        }
    }

    static func cdrFields(_ index: Int) -> [String: CanonicalJSON] {
        [
            "id": .string("cdr-\(index)"),
            "caller": .string("+49301234\(index)"),
            "duration_ms": .integer(Int64(30_000 + index)),
            "final_code": .integer(200),
            "a_leg": .object(["call_id": .string("\(index)@127.0.0.1"), "tag": .string("t\\\"é\n\(index)")]),
            "charge": .string("0.0123"),
        ]
    }

    static func attemptFields(_ index: Int) -> [String: CanonicalJSON] {
        ["id": .string("att-\(index)"), "cdr_id": .string("cdr-\(index)"), "attempt": .integer(1), "response_code": .integer(200)]
    }

    /// Seals `fields` in `kind`'s chain and appends the line to `relative`.
    @discardableResult
    mutating func append(_ kind: String, _ fields: [String: CanonicalJSON], to relative: String, sign: Bool = false) throws -> SealedRecord {
        var chain = try #require(chains[kind])
        let signer = key
        let sealed = sign ? chain.seal(fields, sign: { signer.signBase64($0) }) : chain.seal(fields)
        chains[kind] = chain
        trees[kind]?.append(recordHash: sealed.hash)
        try Self.appendLine(sealed.line, to: directory + "/" + relative)
        places[kind, default: []].append(Place(path: relative, line: lineCount(relative), kind: kind, seq: Int64(sealed.seq)))
        return sealed
    }

    /// A checkpoint of every data chain's current head, signed with the node key.
    mutating func writeCheckpoint(time: Int64) throws {
        var heads: [String: ChainHead] = [:]
        for kind in ["cdr", "attempt", "audit"] {
            if let tree = trees[kind] { heads[kind] = tree.head }
        }
        let fields = CheckpointFields.make(timeMicros: time, chains: heads, publicKeyBase64: key.publicKeyBase64)
        try append("checkpoint", fields, to: "checkpoint/checkpoint-n1-1.jsonl", sign: true)
    }

    private func lineCount(_ relative: String) -> Int {
        places.values.joined().filter { $0.path == relative }.count + 1
    }

    func place(_ kind: String, seq: Int) -> Place {
        places[kind]?[seq - 1] ?? Place(path: "?", line: 0, kind: kind, seq: Int64(seq))
    }

    static func appendLine(_ line: [UInt8], to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true
            )
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }

    /// The lines of a file (without `\n`).
    func lines(_ relative: String) throws -> [String] {
        let text = try String(contentsOfFile: directory + "/" + relative, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Rewrites a file's lines.
    func rewrite(_ relative: String, _ change: (inout [String]) throws -> Void) throws {
        var lines = try lines(relative)
        try change(&lines)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: directory + "/" + relative))
    }

    func verify() -> Result<LedgerVerificationReport, LedgerVerificationFailure> {
        Result { () throws(LedgerVerificationFailure) -> LedgerVerificationReport in
            try LedgerVerifier(dataDirectory: directory).verify()
        }
    }

    /// The failure verification reports, or nil when it passes.
    func failure() -> LedgerVerificationFailure? {
        if case .failure(let failure) = verify() { return failure }
        return nil
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

import Foundation
import Ledger
@testable import RecordStore
import Records
import Testing

/// Reads chains back from a data directory the way an auditor would: JSONSerialization, then the
/// canonical bytes without `hash` through `RecordHashing`, independent of the sink's own code path.
enum LedgerFixtures {
    struct ChainRecord {
        var file: String
        var line: Int
        var json: [String: Any]
        var object: [String: CanonicalJSON]
        var seq: Int
        var hash: LedgerHash
    }

    /// A signing key in a throw-away directory.
    static func signingKey() throws -> NodeSigningKey {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try NodeSigningKey.loadOrCreate(dataDirectory: directory)
    }

    /// A sink over injected files (audit and checkpoint in memory too), for failure and stall tests.
    static func sink(
        cdrFile: any RecordFile,
        attemptFile: any RecordFile,
        capacity: Int,
        retryBackoffMicroseconds: UInt32 = 50_000,
        onError: @escaping @Sendable (RecordSinkError) -> Void
    ) throws -> JSONLinesRecordSink {
        let chains = LedgerChains(
            cdr: ChainOutput(file: cdrFile, chain: HashChain(nodeID: "n1", kind: "cdr")),
            attempt: ChainOutput(file: attemptFile, chain: HashChain(nodeID: "n1", kind: "attempt")),
            bidlog: ChainOutput(file: FakeRecordFile(path: "bidlog"), chain: HashChain(nodeID: "n1", kind: "bidlog")),
            audit: ChainOutput(file: FakeRecordFile(path: "audit"), chain: HashChain(nodeID: "n1", kind: "audit")),
            checkpoint: ChainOutput(file: FakeRecordFile(path: "checkpoint"), chain: HashChain(nodeID: "n1", kind: "checkpoint"))
        )
        return JSONLinesRecordSink(
            chains: chains,
            startupAudits: [],
            signing: LedgerSigning(key: try signingKey(), clock: SystemMicrosecondClock(), checkpointInterval: .seconds(60)),
            capacity: capacity,
            retryBackoffMicroseconds: retryBackoffMicroseconds,
            onError: onError
        )
    }

    /// The lines `HashChain` produces for `records` from genesis: what a sink must write for them.
    static func sealedLines(_ records: [some CanonicalRecord], nodeID: String = "n1") -> [UInt8] {
        guard let kind = records.first.map({ type(of: $0).kind }) else { return [] }
        var chain = HashChain(nodeID: nodeID, kind: kind)
        var out: [UInt8] = []
        for record in records {
            guard case .object(let fields) = record.canonicalJSON() else { continue }
            out.append(contentsOf: chain.seal(fields).line)
        }
        return out
    }

    /// Every record of `kind` under `directory`, files ordered by their first seq, with seq, prev_hash,
    /// hash, node and kind checked record by record.
    static func chain(_ kind: String, in directory: String, nodeID: String = "n1") throws -> [ChainRecord] {
        let folder = directory + "/" + kind
        var files: [(firstSeq: Int, records: [ChainRecord])] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".jsonl") {
            let path = folder + "/" + name
            var records: [ChainRecord] = []
            for (index, line) in try RecordFixtures.lines(ofFile: path).enumerated() {
                records.append(try record(line, file: path, line: index + 1))
            }
            if let first = records.first {
                files.append((first.seq, records))
            }
        }
        let records = files.sorted { $0.firstSeq < $1.firstSeq }.flatMap(\.records)
        var previous = LedgerHash.zero
        for (index, record) in records.enumerated() {
            let place = "\(record.file) line \(record.line)"
            #expect(record.seq == index + 1, "\(place): seq")
            #expect(record.json["prev_hash"] as? String == previous.hex, "\(place): prev_hash")
            #expect(record.json["kind"] as? String == kind, "\(place): kind")
            #expect(record.json["node"] as? String == nodeID, "\(place): node")
            previous = record.hash
        }
        return records
    }

    static func record(_ line: String, file: String, line number: Int) throws -> ChainRecord {
        let json = try RecordFixtures.parse(line)
        guard case .object(var object) = try canonical(json) else { throw Malformed(reason: "not an object") }
        guard let hashText = json["hash"] as? String, let hash = LedgerHash(hex: hashText) else {
            throw Malformed(reason: "\(file) line \(number): no hash")
        }
        object.removeValue(forKey: "hash")
        #expect(RecordHashing.hash(of: object) == hash, "\(file) line \(number): hash does not recompute")
        #expect(CanonicalJSON.object(object.merging(["hash": .string(hashText)]) { $1 }).canonicalString() == line)
        object["hash"] = .string(hashText)
        guard let seq = json["seq"] as? Int else { throw Malformed(reason: "\(file) line \(number): no seq") }
        return ChainRecord(file: file, line: number, json: json, object: object, seq: seq, hash: hash)
    }

    /// The Merkle root over `records`' hashes, by the full tree (not the sink's compact one).
    static func merkleRoot(_ records: [ChainRecord]) -> LedgerHash {
        var tree = MerkleTree()
        for record in records {
            tree.append(recordHash: record.hash)
        }
        return tree.root
    }

    // JSONSerialization's output as CanonicalJSON; records hold strings, integers, booleans (a CDR's `recovered`),
    // objects and arrays only. JSONSerialization gives booleans as NSNumber with the `c` (char) type.
    static func canonical(_ value: Any) throws -> CanonicalJSON {
        switch value {
        case let string as String:
            return .string(string)
        case let dictionary as [String: Any]:
            return .object(try dictionary.mapValues(canonical))
        case let array as [Any]:
            return .array(try array.map(canonical))
        case let number as NSNumber where String(cString: number.objCType) == "c":
            return .bool(number.boolValue)
        case let number as NSNumber:
            return .integer(number.int64Value)
        default:
            throw Malformed(reason: "unexpected JSON value \(value)")
        }
    }

    struct Malformed: Error {
        var reason: String
    }
}

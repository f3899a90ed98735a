import Foundation
import Ledger
import Records
import RecordStore
import Synchronization
@testable import Node
import TestScratch

/// Real data directories written by the node's own record writer, and a sink that keeps what the audit emits.
enum AuditFixtures {
    /// A fresh folder under the system's temporary directory.
    static func temporaryDirectory() -> String {
        ScratchDirectory.make("audit")
    }

    /// Writes `records` audit records through `JSONLinesRecordSink` into `dataDirectory` (a new run each call) and
    /// closes it, so its last checkpoint covers everything. Returns the node's signing key.
    @discardableResult
    static func writeRun(dataDirectory: String, nodeID: String, records: Int) throws -> NodeSigningKey {
        let sink = try JSONLinesRecordSink(dataDirectory: dataDirectory, nodeID: nodeID)
        for index in 0..<records {
            sink.emitAudit(["event": .string("test_record"), "index": .integer(index), "time_us": .integer(1_700_000_000_000_000 + Int64(index))])
        }
        sink.close()
        return try NodeSigningKey.loadOrCreate(dataDirectory: dataDirectory)
    }

    /// The last line of `DATA/checkpoint/`'s files.
    static func latestCheckpoint(dataDirectory: String) throws -> String {
        var view = OwnLedgerView(dataDirectory: dataDirectory)
        try view.refresh()
        guard let line = view.latestCheckpointLine else { throw FixtureError("no checkpoint in \(dataDirectory)") }
        return line
    }

    /// A publication of the node's latest checkpoint with proofs from `acknowledged`.
    static func publication(dataDirectory: String, acknowledged: [String: UInt64] = [:]) throws -> CheckpointPublication {
        var view = OwnLedgerView(dataDirectory: dataDirectory)
        try view.refresh()
        guard let line = view.latestCheckpointLine else { throw FixtureError("no checkpoint in \(dataDirectory)") }
        return try CheckpointPublication.make(checkpointLine: line, trees: view.trees, acknowledged: acknowledged)
    }

    /// `line` with `changes` applied and its hash recomputed (a consistent-looking forgery of the record).
    static func resealed(_ line: String, _ changes: [String: CanonicalJSON]) throws -> String {
        guard case .object(var object) = try CanonicalJSONParser().parse(Array(line.utf8)) else { throw FixtureError("not an object") }
        for (key, value) in changes { object[key] = value }
        object.removeValue(forKey: "hash")
        object["hash"] = .string(RecordHashing.hash(of: object).hex)
        return CanonicalJSON.object(object).canonicalString()
    }

    /// `line` re-signed with `key` after `changes` (a checkpoint the node's own key really signed).
    static func resigned(_ line: String, _ changes: [String: CanonicalJSON], key: NodeSigningKey) throws -> String {
        guard case .object(var object) = try CanonicalJSONParser().parse(Array(line.utf8)) else { throw FixtureError("not an object") }
        for (key, value) in changes { object[key] = value }
        object.removeValue(forKey: "hash")
        object.removeValue(forKey: "signature")
        object["signature"] = .string(key.signBase64(CanonicalJSON.object(object).canonicalBytes()))
        object["hash"] = .string(RecordHashing.hash(of: object).hex)
        return CanonicalJSON.object(object).canonicalString()
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Keeps every audit record the audit code emits.
final class RecordingAuditRecords: AuditRecordEmitting {
    private let records = Mutex<[[String: CanonicalJSON]]>([])

    func emitAudit(_ fields: [String: CanonicalJSON]) {
        records.withLock { $0.append(fields) }
    }

    var all: [[String: CanonicalJSON]] { records.withLock { $0 } }

    func events(_ name: String) -> [[String: CanonicalJSON]] {
        all.filter { $0["event"] == .string(name) }
    }
}

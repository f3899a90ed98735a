import Foundation
import Ledger
import Records

/// A torn tail moved aside at start, as the `torn_line_quarantined` audit record reports it.
struct QuarantinedTail: Sendable, Equatable {
    /// The record file, relative to the data directory (`cdr/cdr-n1-….jsonl`).
    var file: String
    /// How many bytes were moved.
    var bytes: Int
    /// The quarantine file, relative to the data directory (`quarantine/cdr-n1-….jsonl.torn-…`).
    var quarantineFile: String
}

/// Where one kind's chain stands after recovery: its next position and its Merkle tree.
struct RecoveredChain: Sendable {
    var kind: String
    var position: ChainPosition
    var merkle: CompactMerkleRoot
    var quarantined: [QuarantinedTail]
    /// Which of the watched session ids (the live-session journal's) already have a record in this chain.
    var recordedSessionIDs: Set<String> = []
    /// The chain's files with records, as they stand after recovery: the facts of their manifests.
    var files: [RecoveredFile] = []
}

/// A record file of an earlier run and what it holds after recovery (a torn tail excluded).
struct RecoveredFile: Sendable {
    var path: String
    var contents: FileContents
}

/// Reads the chains already in a data directory so that the node continues them, never starting a second
/// genesis: files ordered by the `seq` of their first record, every record re-hashed and linked, a torn last
/// line quarantined and the file truncated to the last good record.
///
/// Every record is streamed once at start to rebuild the Merkle roots: O(records) time, O(log n) memory.
enum LedgerRecovery {
    /// Recovers `kind` under `dataDirectory`; a missing folder is an empty chain.
    static func recover(
        kind: String,
        dataDirectory: String,
        nodeID: String,
        stamp: String,
        watchedSessionIDs: Set<String> = []
    ) throws(RecordSinkError) -> RecoveredChain {
        let folder = dataDirectory + "/" + kind
        let files = try orderedFiles(in: folder, kind: kind)
        var state = Scan(kind: kind, nodeID: nodeID)
        state.watchedSessionIDs = watchedSessionIDs
        var torn: [(file: ChainFile, offset: Int64)] = []
        for (index, file) in files.enumerated() {
            // Only the chain's last record may be a damaged (not merely unterminated) line: later files hold no records.
            let isLastRecordFile = files[(index + 1)...].allSatisfy { $0.firstSeq == nil }
            if let offset = try state.scan(file, mayEndDamaged: isLastRecordFile) {
                torn.append((file, offset))
            }
        }
        var quarantined: [QuarantinedTail] = []
        for (file, offset) in torn {
            quarantined.append(
                try Quarantine.moveTail(
                    ofFile: file.path, relativePath: kind + "/" + file.name, from: offset,
                    dataDirectory: dataDirectory, stamp: stamp
                )
            )
        }
        return RecoveredChain(
            kind: kind, position: state.position, merkle: state.merkle, quarantined: quarantined,
            recordedSessionIDs: state.recordedSessionIDs, files: state.files
        )
    }

    struct ChainFile {
        var name: String
        var path: String
        // Nil when the file holds no valid first record (empty, or only a torn line).
        var firstSeq: UInt64?
    }

    // Files of one kind, ordered by the seq of their first record; files without one go last.
    static func orderedFiles(in folder: String, kind: String) throws(RecordSinkError) -> [ChainFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else {
            throw RecordSinkError(.dataDirectoryUnavailable, reason: "\(folder) is not a directory")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw RecordSinkError(.recoveryFailed, reason: "cannot list \(folder): \(error.localizedDescription)")
        }
        var files: [ChainFile] = []
        for name in names.sorted() where name.hasSuffix(".jsonl") && !name.hasPrefix(".") {
            let path = folder + "/" + name
            var firstSeq: UInt64?
            try RecordLineReader.forEachLine(ofFile: path) { line throws(RecordSinkError) in
                if line.terminated, let object = RecordLine.parse(line.bytes) {
                    firstSeq = RecordLine.unsigned(object["seq"])
                }
                return false
            }
            files.append(ChainFile(name: name, path: path, firstSeq: firstSeq))
        }
        var seen: [UInt64: String] = [:]
        for file in files {
            guard let seq = file.firstSeq else { continue }
            if let other = seen[seq] {
                throw RecordSinkError(
                    .chainBroken,
                    reason: "\(kind): \(other) and \(file.name) both start at seq \(seq); the chain is forked"
                )
            }
            seen[seq] = file.name
        }
        return files.sorted { lhs, rhs in
            switch (lhs.firstSeq, rhs.firstSeq) {
            case (let left?, let right?): left < right
            case (.some, .none): true
            case (.none, .some): false
            case (.none, .none): lhs.name < rhs.name
            }
        }
    }

    // The running state of one chain while its files are streamed.
    struct Scan {
        let kind: String
        let nodeID: String
        var position = ChainPosition.genesis
        var merkle = CompactMerkleRoot()
        var watchedSessionIDs: Set<String> = []
        var recordedSessionIDs: Set<String> = []
        var files: [RecoveredFile] = []
        // What the file being scanned holds so far.
        private var contents = FileContents()

        init(kind: String, nodeID: String) {
            self.kind = kind
            self.nodeID = nodeID
        }

        /// Checks every line of `file`; returns the offset of a torn tail to quarantine, if any.
        ///
        /// Only an unterminated last line is a torn write: appends end in `\n`, so a crash can leave a
        /// partial line but never a complete damaged one. A complete line that does not verify is
        /// tampering or corruption, and the node refuses to start rather than "repair" the evidence.
        mutating func scan(_ file: ChainFile, mayEndDamaged: Bool) throws(RecordSinkError) -> Int64? {
            var tornOffset: Int64?
            var chain = self
            chain.contents = FileContents()
            try RecordLineReader.forEachLine(ofFile: file.path) { line throws(RecordSinkError) in
                guard line.terminated else {
                    tornOffset = line.offset
                    return true
                }
                switch RecordLine.check(line.bytes) {
                case .damaged(let problem):
                    throw RecordSinkError(.chainBroken, reason: "\(file.path) line \(line.number): \(problem)")
                case .record(let record):
                    try chain.link(record, file: file, line: line)
                }
                return true
            }
            if tornOffset != nil && !mayEndDamaged {
                throw RecordSinkError(.chainBroken, reason: "\(file.path): torn last line, and later files continue the chain")
            }
            if chain.contents.count > 0 {
                chain.files.append(RecoveredFile(path: file.path, contents: chain.contents))
            }
            self = chain
            return tornOffset
        }

        private mutating func link(_ record: RecordLine.Record, file: ChainFile, line: RecordFileLine) throws(RecordSinkError) {
            let place = "\(file.path) line \(line.number)"
            guard record.kind == kind else {
                throw RecordSinkError(.chainBroken, reason: "\(place): kind \"\(record.kind)\" in the \(kind) folder")
            }
            guard record.node == nodeID else {
                throw RecordSinkError(
                    .chainBroken,
                    reason: "\(place): written by node \"\(record.node)\", this node is \"\(nodeID)\""
                )
            }
            guard record.seq == position.nextSeq else {
                throw RecordSinkError(.chainBroken, reason: "\(place): seq \(record.seq), expected \(position.nextSeq)")
            }
            guard record.prevHash == position.lastHash else {
                throw RecordSinkError(
                    .chainBroken,
                    reason: "\(place): seq \(record.seq) prev_hash \(record.prevHash.hex) is not the hash of seq \(record.seq - 1) (\(position.lastHash.hex))"
                )
            }
            position = ChainPosition(nextSeq: record.seq + 1, lastHash: record.hash)
            if let sessionID = record.sessionID, watchedSessionIDs.contains(sessionID) {
                recordedSessionIDs.insert(sessionID)
            }
            merkle.append(recordHash: record.hash)
            contents.add(seq: record.seq, prevHash: record.prevHash, hash: record.hash, lineWithoutTerminator: line.bytes)
        }
    }
}

/// Checks one line as a ledger record: strict canonical JSON, chain fields present, hash recomputes.
enum RecordLine {
    struct Record {
        var node: String
        var kind: String
        var seq: UInt64
        var prevHash: LedgerHash
        var hash: LedgerHash
        var sessionID: String?
    }

    enum Check {
        case record(Record)
        /// Not a record this node could have written whole: unparseable, not canonical, fields missing, or its hash does not recompute.
        case damaged(String)
    }

    static func check(_ bytes: ArraySlice<UInt8>) -> Check {
        let object: [String: CanonicalJSON]
        do {
            guard case .object(let fields) = try CanonicalJSONParser().parseCanonical(bytes) else {
                return .damaged("not a JSON object")
            }
            object = fields
        } catch {
            return .damaged("not a canonical JSON record (\(error.description))")
        }
        guard case .string(let hashText)? = object["hash"], let hash = LedgerHash(hex: hashText) else {
            return .damaged("no valid hash field")
        }
        guard case .string(let node)? = object["node"], case .string(let kind)? = object["kind"],
              let seq = unsigned(object["seq"]), seq >= 1,
              case .string(let prevText)? = object["prev_hash"], let prevHash = LedgerHash(hex: prevText)
        else {
            return .damaged("missing or invalid node, kind, seq or prev_hash")
        }
        var unhashed = object
        unhashed.removeValue(forKey: "hash")
        guard RecordHashing.hash(of: unhashed) == hash else {
            return .damaged("hash does not match the record")
        }
        var sessionID: String?
        if case .string(let value)? = object["session_id"] {
            sessionID = value
        }
        return .record(Record(node: node, kind: kind, seq: seq, prevHash: prevHash, hash: hash, sessionID: sessionID))
    }

    /// The line as a JSON object, canonical or not; nil when it is not one.
    static func parse(_ bytes: ArraySlice<UInt8>) -> [String: CanonicalJSON]? {
        guard case .object(let object)? = try? CanonicalJSONParser().parse(bytes) else { return nil }
        return object
    }

    static func unsigned(_ value: CanonicalJSON?) -> UInt64? {
        guard case .integer(let integer)? = value, integer >= 0 else { return nil }
        return UInt64(integer)
    }
}

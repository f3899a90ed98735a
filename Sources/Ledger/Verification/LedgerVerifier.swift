internal import Foundation
internal import Records

/// Verifies a data directory exactly as docs/ledger-format.md ("What verification checks") says:
/// canonical lines, chain fields, `seq`/`prev_hash`/`hash`, checkpoint signatures and keys,
/// Merkle roots at every checkpoint, and no records beyond the last checkpoint.
///
/// Failures are reported in the order the format's reference script (`examples/verify_ledger.py`)
/// finds them: first the per-chain checks (1, 2) chain by chain in folder-name order, then the
/// checkpoints in order (3, 4), then coverage (5).
public struct LedgerVerifier: Sendable {
    /// The folder names in a data directory that hold no chain.
    public static let nonChainFolders: Set<String> = ["keys", "quarantine"]
    /// The kind (and folder) of checkpoint records.
    public static let checkpointKind = "checkpoint"

    /// The data directory to verify.
    public let dataDirectory: String
    /// Lines longer than this are refused (records are far smaller).
    public let maxLineBytes: Int

    /// A verifier for `dataDirectory`.
    public init(dataDirectory: String, maxLineBytes: Int = CanonicalJSONParser.defaultMaxBytes) {
        self.dataDirectory = dataDirectory
        self.maxLineBytes = maxLineBytes
    }

    /// Verifies the whole directory; the report when intact, else throws the first broken place.
    public func verify() throws(LedgerVerificationFailure) -> LedgerVerificationReport {
        let kinds = try chainKinds()
        let checkpointKind = Self.checkpointKind

        // The checkpoint chain is read first because its sizes say where to take Merkle roots,
        // but a failure in it is reported in its folder-name turn, as the reference script does.
        var checkpointScan: Result<ChainScan, LedgerVerificationFailure>?
        var wanted: [String: Set<UInt64>] = [:]
        if kinds.contains(checkpointKind) {
            let result = Result { () throws(LedgerVerificationFailure) -> ChainScan in
                try scanChain(kind: checkpointKind, wantedSizes: [], collectObjects: true)
            }
            checkpointScan = result
            if case .success(let scan) = result {
                for entry in scan.checkpoints {
                    guard case .object(let chains)? = entry.object["chains"] else { continue }
                    for (kind, head) in chains {
                        if case .object(let fields) = head, case .integer(let size)? = fields["size"], size >= 0 {
                            wanted[kind, default: []].insert(UInt64(size))
                        }
                    }
                }
            }
        }

        var scans: [String: ChainScan] = [:]
        for kind in kinds {
            if kind == checkpointKind, let checkpointScan {
                scans[kind] = try checkpointScan.get()
            } else {
                scans[kind] = try scanChain(kind: kind, wantedSizes: wanted[kind, default: []].union([0]), collectObjects: false)
            }
        }

        let checkpoints = scans[checkpointKind]?.checkpoints ?? []
        let covered = try checkCheckpoints(checkpoints, scans: scans)

        for kind in kinds where kind != checkpointKind {
            guard let scan = scans[kind] else { continue }
            let size = covered[kind] ?? 0
            if scan.count > size, let location = scan.recordAfter[size] {
                throw LedgerVerificationFailure(
                    .unverified, path: location.path, lineNumber: location.lineNumber, kind: kind, seq: location.seq,
                    size == 0
                        ? "unverified: not covered by any checkpoint (no checkpoint covers any \(kind) record)"
                        : "unverified: not covered by any checkpoint (the last one covers \(size) of \(scan.count) \(kind) records)"
                )
            }
        }

        // Check 6, last: manifests of closed files, in folder-name order.
        for kind in kinds {
            if let failure = scans[kind]?.manifestFailure { throw failure }
        }

        let chains = kinds.compactMap { kind -> LedgerVerificationReport.Chain? in
            guard let scan = scans[kind] else { return nil }
            return .init(kind: kind, records: scan.count, files: scan.files, lastHash: scan.lastHash)
        }
        var last: LedgerVerificationReport.Checkpoint?
        if let entry = checkpoints.last {
            var heads: [String: ChainHead] = [:]
            if case .object(let chainFields)? = entry.object["chains"] {
                for (kind, value) in chainFields {
                    if let head = Self.chainHead(value) { heads[kind] = head }
                }
            }
            var time: Int64 = 0
            if case .integer(let value)? = entry.object["time_us"] { time = value }
            var key = ""
            if case .string(let value)? = entry.object["public_key"] { key = value }
            last = .init(seq: UInt64(clamping: entry.location.seq), timeMicros: time, chains: heads, publicKeyBase64: key)
        }
        return LedgerVerificationReport(chains: chains, checkpointCount: UInt64(checkpoints.count), lastCheckpoint: last)
    }

    /// The chain folders: every folder except `keys/` and `quarantine/` that holds `*.jsonl` files.
    func chainKinds() throws(LedgerVerificationFailure) -> [String] {
        let names = try listDirectory("", kind: nil)
        var kinds: [String] = []
        for name in names where !Self.nonChainFolders.contains(name) {
            guard isDirectory(name) else { continue }
            if try listDirectory(name, kind: name).contains(where: { $0.hasSuffix(".jsonl") }) {
                kinds.append(name)
            }
        }
        return kinds.sorted()
    }

    func absolutePath(_ relative: String) -> String {
        relative.isEmpty ? dataDirectory : dataDirectory + "/" + relative
    }

    func listDirectory(_ relative: String, kind: String?) throws(LedgerVerificationFailure) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: absolutePath(relative)).sorted()
        } catch {
            throw LedgerVerificationFailure(
                .unreadable, path: relative.isEmpty ? dataDirectory : relative, lineNumber: nil, kind: kind, seq: nil,
                "cannot list the directory: \(error.localizedDescription)"
            )
        }
    }

    func isDirectory(_ relative: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: absolutePath(relative), isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// A `{root, size}` entry of a checkpoint's `chains`, nil when malformed.
    static func chainHead(_ value: CanonicalJSON) -> ChainHead? {
        guard case .object(let fields) = value,
              case .integer(let size)? = fields["size"], size >= 0,
              case .string(let rootText)? = fields["root"], let root = LedgerHash(hex: rootText)
        else {
            return nil
        }
        return ChainHead(size: UInt64(size), root: root)
    }
}

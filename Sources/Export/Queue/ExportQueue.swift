import Foundation
public import Logging

/// Which record kinds one target takes (`[[exporters]] id`, `kinds`).
public struct ExportSubscription: Sendable, Hashable {
    public var targetID: String
    public var kinds: Set<String>

    public init(targetID: String, kinds: Set<String>) {
        self.targetID = targetID
        self.kinds = kinds
    }
}

/// One target's backlog, for logs and status.
public struct ExportBacklog: Sendable, Hashable {
    public var targetID: String
    /// Files queued for the target.
    public var files: Int
    /// When the oldest of them was queued, UTC microseconds; nil when nothing is queued.
    public var oldestQueuedAt: Int64?
}

/// The durable export queue under `DATA/export/` (docs/export.md).
///
/// A closed file is queued once per target whose kinds include its kind: one small JSON entry, written atomically,
/// so a restart loses nothing. The entry leaves the queue only after the target's receipt, and only after a done
/// record for (target, file) is durable, so a re-scan never uploads the file to that target again.
public actor ExportQueue {
    /// UTC microseconds now: when entries were queued and files exported.
    public static func wallClockMicroseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1_000_000)
    }

    /// Record kinds a data directory holds (the chains of docs/ledger-format.md).
    public static let allKinds = ["attempt", "audit", "bidlog", "cdr", "checkpoint"]

    let dataDirectory: String
    let root: String
    private let subscriptions: [ExportSubscription]
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private var entries: [String: [QueueKey: QueueEntry]]
    private var done: Set<QueueKey>
    // Damaged manifests already reported, so a re-scan does not log them again.
    private var reportedDamage: Set<String> = []

    /// Opens (creating) `DATA/export/` and loads the queue and the done records.
    public init(
        dataDirectory: String,
        subscriptions: [ExportSubscription],
        logger: Logger,
        now: @escaping @Sendable () -> Int64 = ExportQueue.wallClockMicroseconds
    ) throws(ExportError) {
        self.dataDirectory = dataDirectory
        self.root = dataDirectory + "/export"
        self.subscriptions = subscriptions
        self.logger = logger
        self.now = now
        let root = dataDirectory + "/export"
        try DurableFiles.makeDirectory(root + "/queue")
        try DurableFiles.makeDirectory(root + "/done")
        var done: Set<QueueKey> = []
        for subscription in subscriptions {
            let targetDirectory = "\(root)/done/\(subscription.targetID)"
            for kind in DurableFiles.names(in: targetDirectory) {
                for name in DurableFiles.names(in: "\(targetDirectory)/\(kind)") where name.hasSuffix(".json") && !name.hasPrefix(".") {
                    done.insert(QueueKey(target: subscription.targetID, kind: kind, file: String(name.dropLast(5))))
                }
            }
        }
        var entries: [String: [QueueKey: QueueEntry]] = [:]
        for subscription in subscriptions {
            entries[subscription.targetID] = try Self.loadEntries(root: root, target: subscription.targetID, done: done, logger: logger)
        }
        self.done = done
        self.entries = entries
    }

    private static func loadEntries(
        root: String, target: String, done: Set<QueueKey>, logger: Logger
    ) throws(ExportError) -> [QueueKey: QueueEntry] {
        var loaded: [QueueKey: QueueEntry] = [:]
        let decoder = JSONDecoder()
        for kind in DurableFiles.names(in: "\(root)/queue/\(target)") {
            for name in DurableFiles.names(in: "\(root)/queue/\(target)/\(kind)") where name.hasSuffix(".json") && !name.hasPrefix(".") {
                let path = "\(root)/queue/\(target)/\(kind)/\(name)"
                guard let data = FileManager.default.contents(atPath: path),
                    let entry = try? decoder.decode(QueueEntry.self, from: data),
                    entry.target == target, entry.kind == kind
                else {
                    // A torn entry cannot exist (atomic writes); anything else is foreign. The re-scan queues the
                    // file again from its manifest, so dropping it loses nothing.
                    logger.warning("unreadable export queue entry removed", metadata: ["path": "\(path)"])
                    try DurableFiles.remove(path)
                    continue
                }
                if done.contains(entry.key) {
                    // The receipt was recorded but the entry not yet removed when the node stopped.
                    try DurableFiles.remove(path)
                    continue
                }
                loaded[entry.key] = entry
            }
        }
        return loaded
    }

    /// Queues every closed file under `DATA/<kind>/` that some target takes and has neither exported nor queued.
    /// Returns how many entries were added.
    @discardableResult
    public func scan() -> Int {
        var added = 0
        let kinds = Set(subscriptions.flatMap(\.kinds))
        for kind in kinds.sorted() {
            let directory = "\(dataDirectory)/\(kind)"
            for name in DurableFiles.names(in: directory).sorted() where name.hasSuffix(".jsonl") && !name.hasPrefix(".") {
                added += offer(path: "\(directory)/\(name)", kind: kind, name: name)
            }
        }
        return added
    }

    /// Queues one closed file reported by the record sink. Returns false when its manifest is not there yet (the
    /// caller polls again); true when it was queued, was already known, or is damaged (reported, not exported).
    public func fileClosed(path: String, kind: String) -> Bool {
        let name = DurableFiles.fileName(of: path)
        guard DurableFiles.exists(path + ManifestCheck.manifestSuffix) else { return false }
        _ = offer(path: path, kind: kind, name: name)
        return true
    }

    private func offer(path: String, kind: String, name: String) -> Int {
        let targets = subscriptions.filter { subscription in
            let key = QueueKey(target: subscription.targetID, kind: kind, file: name)
            return subscription.kinds.contains(kind) && !done.contains(key) && entries[subscription.targetID]?[key] == nil
        }
        guard !targets.isEmpty, !reportedDamage.contains(path) else { return 0 }
        let checked: CheckedFile
        switch ManifestCheck.check(path: path, kind: kind) {
        case .notClosed:
            return 0
        case .damaged(let error):
            reportedDamage.insert(path)
            logger.error(
                "record file not exported: its manifest is damaged; run `sipswarm verify`",
                metadata: ["file": "\(path)", "error": "\(error)"]
            )
            return 0
        case .ready(let value):
            checked = value
        }
        var added = 0
        for subscription in targets {
            let entry = QueueEntry(target: subscription.targetID, checked: checked, queuedAt: now())
            do {
                try write(entry)
                entries[subscription.targetID, default: [:]][entry.key] = entry
                added += 1
            } catch {
                // Not queued: the next scan offers it again.
                logger.error("cannot queue record file for export", metadata: ["target": "\(subscription.targetID)", "file": "\(path)", "error": "\(error)"])
            }
        }
        return added
    }

    private func write(_ entry: QueueEntry) throws(ExportError) {
        let directory = "\(root)/queue/\(entry.target)/\(entry.kind)"
        try DurableFiles.makeDirectory(directory)
        try DurableFiles.writeAtomically(try Self.encode(entry), to: "\(directory)/\(entry.file).json")
    }

    /// The target's queued files in export order (kind, then chain order).
    func pending(target: String) -> [QueueEntry] {
        (entries[target] ?? [:]).values.sorted(by: QueueEntry.exportOrder)
    }

    /// Records the receipt (done record first, durable) and then removes the entry.
    func complete(_ entry: QueueEntry, receipt: ExportReceipt) throws(ExportError) {
        let directory = "\(root)/done/\(entry.target)/\(entry.kind)"
        try DurableFiles.makeDirectory(directory)
        let record = DoneRecord(
            target: entry.target, kind: entry.kind, file: entry.file, sha256: entry.sha256, bytes: entry.bytes,
            location: receipt.location, verifiedBy: receipt.verifiedBy, exportedAt: now()
        )
        try DurableFiles.writeAtomically(try Self.encode(record), to: "\(directory)/\(entry.file).json")
        done.insert(entry.key)
        entries[entry.target]?[entry.key] = nil
        try DurableFiles.remove("\(root)/queue/\(entry.target)/\(entry.kind)/\(entry.file).json")
    }

    /// Whether (target, kind, file) has a done record.
    public func isDone(target: String, kind: String, file: String) -> Bool {
        done.contains(QueueKey(target: target, kind: kind, file: file))
    }

    /// Backlog per target, in subscription order.
    public func backlog() -> [ExportBacklog] {
        subscriptions.map { subscription in
            let queued = entries[subscription.targetID] ?? [:]
            return ExportBacklog(targetID: subscription.targetID, files: queued.count, oldestQueuedAt: queued.values.map(\.queuedAt).min())
        }
    }

    private static func encode<Value: Encodable>(_ value: Value) throws(ExportError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
        } catch {
            throw ExportError(.localFile, reason: "cannot encode export queue record: \(error)", retryable: false)
        }
    }
}

/// `DATA/export/done/<target>/<kind>/<file>.json`: the proof that a target confirmed a file.
struct DoneRecord: Codable, Sendable {
    var target: String
    var kind: String
    var file: String
    var sha256: String
    var bytes: Int64
    var location: String
    var verifiedBy: String
    var exportedAt: Int64

    enum CodingKeys: String, CodingKey {
        case target, kind, file, sha256, bytes, location
        case verifiedBy = "verified_by"
        case exportedAt = "exported_at_us"
    }
}

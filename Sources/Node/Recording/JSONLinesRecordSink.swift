import Foundation
public import Records

/// Appends records as canonical JSON lines to `DATA/cdr/cdr-<node>-<start>.jsonl` and
/// `DATA/attempt/attempt-<node>-<start>.jsonl`, on a background thread.
///
/// `emit` only queues. If more than `capacity` records are pending (for example while the disk
/// fails and writes are retried), `emit` blocks until the writer catches up: back-pressure, never
/// loss. Write errors go to `onError` and are counted; the lines stay pending and are retried.
/// `close()` writes everything pending before it returns.
public final class JSONLinesRecordSink: RecordSink {
    /// The default bound on pending records.
    public static let defaultCapacity = 100_000

    /// The CDR file this sink appends to.
    public let cdrFilePath: String
    /// The attempt file this sink appends to.
    public let attemptFilePath: String

    private let writer: RecordWriter

    /// Creates the kind folders under `dataDirectory`, opens new files named after `nodeID` and the start time,
    /// and starts the writer thread.
    public convenience init(
        dataDirectory: String,
        nodeID: String,
        clock: any MicrosecondClock = SystemMicrosecondClock(),
        capacity: Int = JSONLinesRecordSink.defaultCapacity,
        onError: @escaping @Sendable (RecordSinkError) -> Void = { _ in }
    ) throws(RecordSinkError) {
        try Self.validate(nodeID: nodeID)
        let stamp = UTCTimestamp.compact(microseconds: clock.nowMicroseconds())
        let cdrFile = try Self.createFile(in: dataDirectory, kind: CallDetailRecord.kind, nodeID: nodeID, stamp: stamp)
        let attemptFile: POSIXRecordFile
        do {
            attemptFile = try Self.createFile(in: dataDirectory, kind: AttemptRecord.kind, nodeID: nodeID, stamp: stamp)
        } catch {
            cdrFile.close()
            throw error
        }
        self.init(cdrFile: cdrFile, attemptFile: attemptFile, capacity: capacity, onError: onError)
    }

    /// Starts a sink over already opened files; tests use it to inject failing or stalling files.
    init(
        cdrFile: any RecordFile,
        attemptFile: any RecordFile,
        capacity: Int,
        retryBackoffMicroseconds: UInt32 = 50_000,
        onError: @escaping @Sendable (RecordSinkError) -> Void
    ) {
        self.cdrFilePath = cdrFile.path
        self.attemptFilePath = attemptFile.path
        self.writer = RecordWriter(
            cdrFile: cdrFile,
            attemptFile: attemptFile,
            capacity: capacity,
            retryBackoffMicroseconds: retryBackoffMicroseconds,
            onError: onError
        )
        writer.start()
    }

    deinit {
        // Without an explicit close the thread still drains what is queued, then exits.
        writer.beginClose()
    }

    /// Queues the session's CDR and attempts; blocks only under back-pressure.
    public func emit(_ records: SessionRecords) {
        writer.enqueue(records)
    }

    /// Waits until everything emitted before this call is written and synced.
    public func flush() {
        _ = writer.waitUntilWritten(deadline: nil)
    }

    /// Like `flush()`, but gives up after `timeout`; returns whether everything was written.
    public func flush(timeout: Duration) -> Bool {
        writer.waitUntilWritten(deadline: Self.deadline(after: timeout))
    }

    /// Stops accepting records, writes everything pending and closes the files.
    public func close() {
        _ = writer.close(deadline: nil)
    }

    /// Like `close()`, but stops waiting after `timeout`; returns whether the writer finished.
    public func close(timeout: Duration) -> Bool {
        writer.close(deadline: Self.deadline(after: timeout))
    }

    /// The sink's counters now.
    public var counters: RecordSinkCounters {
        writer.counters
    }

    private static func deadline(after timeout: Duration) -> Date {
        let (seconds, attoseconds) = timeout.components
        return Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
    }

    // The node id becomes part of file names, so it must not contain path syntax.
    private static func validate(nodeID: String) throws(RecordSinkError) {
        let allowed = nodeID.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !nodeID.isEmpty, nodeID.utf8.count <= 64, allowed, nodeID.first != "." else {
            throw RecordSinkError(
                .invalidNodeID,
                reason: "node id must be 1-64 characters of A-Z a-z 0-9 . _ - and not start with '.'"
            )
        }
    }

    private static func createFile(
        in dataDirectory: String,
        kind: String,
        nodeID: String,
        stamp: String
    ) throws(RecordSinkError) -> POSIXRecordFile {
        let directory = dataDirectory + "/" + kind
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RecordSinkError(
                .dataDirectoryUnavailable,
                reason: "cannot create \(directory): \(error.localizedDescription)"
            )
        }
        return try POSIXRecordFile.createNew(in: directory, baseName: "\(kind)-\(nodeID)-\(stamp)")
    }
}

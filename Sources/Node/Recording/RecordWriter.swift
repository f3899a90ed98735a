import Foundation
import Records

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The serial background writer behind `JSONLinesRecordSink`: callers enqueue sessions, one thread
/// encodes them to canonical JSON lines, appends them with `write(2)` and syncs.
///
/// `@unchecked Sendable` is safe: every stored `var` is read and written only with `condition`
/// locked; the byte buffers live in `run()` on the writer thread alone.
final class RecordWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private var queued: [SessionRecords] = []
    private var queuedRecords = 0
    private var inFlightRecords = 0
    private var waitingEmitters = 0
    private var closing = false
    private var finished = false
    private var acceptedRecords = 0
    private var writtenRecords = 0
    private var failedWrites = 0
    private var droppedRecords = 0

    private let cdrFile: any RecordFile
    private let attemptFile: any RecordFile
    private let capacity: Int
    private let initialBackoffMicroseconds: UInt32
    private static let maximumBackoffMicroseconds: UInt32 = 1_000_000
    private let onError: @Sendable (RecordSinkError) -> Void

    init(
        cdrFile: any RecordFile,
        attemptFile: any RecordFile,
        capacity: Int,
        retryBackoffMicroseconds: UInt32,
        onError: @escaping @Sendable (RecordSinkError) -> Void
    ) {
        self.cdrFile = cdrFile
        self.attemptFile = attemptFile
        self.capacity = max(1, capacity)
        self.initialBackoffMicroseconds = max(1, retryBackoffMicroseconds)
        self.onError = onError
    }

    /// Starts the writer thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "sipswarm-records"
        thread.start()
    }

    /// Queues a session; blocks only while `capacity` records are already pending (back-pressure, never loss).
    func enqueue(_ records: SessionRecords) {
        let count = records.recordCount
        condition.lock()
        guard !closing else {
            droppedRecords += count
            condition.unlock()
            onError(RecordSinkError(.closed, reason: "\(count) records emitted after close were not written"))
            return
        }
        while queuedRecords + inFlightRecords >= capacity {
            waitingEmitters += 1
            condition.wait()
            waitingEmitters -= 1
        }
        queued.append(records)
        queuedRecords += count
        acceptedRecords += count
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every record accepted before the call is written; false if `deadline` passed first.
    func waitUntilWritten(deadline: Date?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let target = acceptedRecords
        while writtenRecords < target {
            if !wait(until: deadline) {
                return writtenRecords >= target
            }
        }
        return true
    }

    /// Refuses new records, writes everything pending, closes the files; false if `deadline` passed first.
    func close(deadline: Date?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.broadcast()
        while !finished {
            if !wait(until: deadline) {
                return finished
            }
        }
        return true
    }

    /// Asks the thread to finish once everything is written, without waiting for it.
    func beginClose() {
        condition.lock()
        closing = true
        condition.broadcast()
        condition.unlock()
    }

    var counters: RecordSinkCounters {
        condition.lock()
        defer { condition.unlock() }
        return RecordSinkCounters(
            accepted: acceptedRecords,
            written: writtenRecords,
            pending: queuedRecords + inFlightRecords,
            failedWrites: failedWrites,
            dropped: droppedRecords
        )
    }

    // Must be called with `condition` locked.
    private func wait(until deadline: Date?) -> Bool {
        guard let deadline else {
            condition.wait()
            return true
        }
        return condition.wait(until: deadline)
    }

    private func run() {
        var cdrBuffer: [UInt8] = []
        var attemptBuffer: [UInt8] = []
        var bufferedRecords = 0
        var cdrFileDirty = false
        var attemptFileDirty = false
        var backoff = initialBackoffMicroseconds
        while true {
            condition.lock()
            if bufferedRecords == 0 {
                // Wait for work; a closing writer still waits for emitters blocked on back-pressure.
                while queued.isEmpty && (!closing || waitingEmitters > 0) {
                    condition.wait()
                }
                if queued.isEmpty {
                    condition.unlock()
                    break
                }
            }
            let batch = queued
            let batchRecords = queuedRecords
            queued.removeAll(keepingCapacity: true)
            queuedRecords = 0
            inFlightRecords += batchRecords
            condition.unlock()

            for session in batch {
                session.cdr.canonicalJSON().write(into: &cdrBuffer)
                cdrBuffer.append(UInt8(ascii: "\n"))
                for attempt in session.attempts {
                    attempt.canonicalJSON().write(into: &attemptBuffer)
                    attemptBuffer.append(UInt8(ascii: "\n"))
                }
            }
            bufferedRecords += batchRecords
            cdrFileDirty = cdrFileDirty || !cdrBuffer.isEmpty
            attemptFileDirty = attemptFileDirty || !attemptBuffer.isEmpty

            do {
                try cdrFile.writeAll(&cdrBuffer)
                try attemptFile.writeAll(&attemptBuffer)
            } catch {
                // The unwritten bytes stay buffered and are retried after a pause; nothing is dropped.
                condition.lock()
                failedWrites += 1
                condition.unlock()
                onError(error)
                usleep(backoff)
                backoff = min(backoff * 2, Self.maximumBackoffMicroseconds)
                continue
            }
            backoff = initialBackoffMicroseconds

            var syncErrors: [RecordSinkError] = []
            // A failed fsync is reported, not retried: the bytes are already in the file.
            for (file, dirty) in [(cdrFile, cdrFileDirty), (attemptFile, attemptFileDirty)] where dirty {
                do {
                    try file.sync()
                } catch {
                    syncErrors.append(error)
                }
            }
            cdrFileDirty = false
            attemptFileDirty = false
            condition.lock()
            writtenRecords += bufferedRecords
            inFlightRecords -= bufferedRecords
            failedWrites += syncErrors.count
            condition.broadcast()
            condition.unlock()
            bufferedRecords = 0
            for error in syncErrors {
                onError(error)
            }
        }
        cdrFile.close()
        attemptFile.close()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}

import Foundation
import Ledger
import Records

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The serial background writer behind `JSONLinesRecordSink` and the single writer of the node's chains:
/// callers enqueue sessions, one thread seals each record into its kind's hash chain, appends the lines
/// with `write(2)`, syncs per batch, and seals signed checkpoints of the Merkle roots.
///
/// `@unchecked Sendable` is safe: every stored `var` is read and written only with `condition`
/// locked; the chains and byte buffers live in `run()` on the writer thread alone.
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
    private var checkpointsWritten = 0

    // Handed to the writer thread in `start()`; not touched afterwards.
    private let initialChains: LedgerChains
    private let startupAudits: [[String: CanonicalJSON]]
    private let signing: LedgerSigning
    private let capacity: Int
    private let initialBackoffMicroseconds: UInt32
    private static let maximumBackoffMicroseconds: UInt32 = 1_000_000
    private let onError: @Sendable (RecordSinkError) -> Void

    init(
        chains: LedgerChains,
        startupAudits: [[String: CanonicalJSON]],
        signing: LedgerSigning,
        capacity: Int,
        retryBackoffMicroseconds: UInt32,
        onError: @escaping @Sendable (RecordSinkError) -> Void
    ) {
        self.initialChains = chains
        self.startupAudits = startupAudits
        self.signing = signing
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

    /// Refuses new records, writes everything pending and a final checkpoint, closes the files;
    /// false if `deadline` passed first.
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

    /// Checkpoint records written and synced so far (including the one at start).
    var checkpointCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return checkpointsWritten
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
        var chains = initialChains
        for fields in startupAudits {
            chains.audit.append(fields)
        }
        // Records left unsigned by a crash, and the start's own audit records, are covered at once.
        var recordsSinceCheckpoint = true
        var nextCheckpoint = Date.distantPast
        var bufferedRecords = 0
        var bufferedCheckpoints = 0
        var finalCheckpointSealed = false
        var backoff = initialBackoffMicroseconds
        while true {
            condition.lock()
            if !chains.hasBufferedBytes {
                // Wait for work or a due checkpoint; a closing writer still waits for emitters blocked on back-pressure.
                while queued.isEmpty && (!closing || waitingEmitters > 0) {
                    guard recordsSinceCheckpoint else {
                        condition.wait()
                        continue
                    }
                    if Date() >= nextCheckpoint || !condition.wait(until: nextCheckpoint) {
                        break
                    }
                }
            }
            let exitRequested = closing && waitingEmitters == 0 && queued.isEmpty
            let batch = queued
            let batchRecords = queuedRecords
            queued.removeAll(keepingCapacity: true)
            queuedRecords = 0
            inFlightRecords += batchRecords
            condition.unlock()

            for session in batch {
                seal(session, into: &chains)
            }
            bufferedRecords += batchRecords
            recordsSinceCheckpoint = recordsSinceCheckpoint || !batch.isEmpty

            do {
                try chains.writeBuffers()
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

            // A failed fsync is reported, not retried: the bytes are already in the file.
            let syncErrors = chains.syncWritten()
            condition.lock()
            writtenRecords += bufferedRecords
            inFlightRecords -= bufferedRecords
            checkpointsWritten += bufferedCheckpoints
            failedWrites += syncErrors.count
            condition.broadcast()
            condition.unlock()
            bufferedRecords = 0
            bufferedCheckpoints = 0
            for error in syncErrors {
                onError(error)
            }

            // Everything sealed so far is written and synced here, so a checkpoint never covers a record
            // that is not on disk before it.
            if exitRequested {
                if finalCheckpointSealed {
                    break
                }
                sealCheckpoint(into: &chains)
                bufferedCheckpoints += 1
                finalCheckpointSealed = true
            } else if recordsSinceCheckpoint && Date() >= nextCheckpoint {
                sealCheckpoint(into: &chains)
                bufferedCheckpoints += 1
                recordsSinceCheckpoint = false
                nextCheckpoint = Date(timeIntervalSinceNow: signing.checkpointIntervalSeconds)
            }
        }
        chains.closeFiles()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func seal(_ session: SessionRecords, into chains: inout LedgerChains) {
        chains.cdr.append(fields(of: session.cdr, chain: chains.cdr.chain))
        for attempt in session.attempts {
            chains.attempt.append(fields(of: attempt, chain: chains.attempt.chain))
        }
    }

    private func sealCheckpoint(into chains: inout LedgerChains) {
        let key = signing.key
        let fields = CheckpointFields.make(
            timeMicros: signing.clock.nowMicroseconds(),
            chains: chains.heads,
            publicKeyBase64: key.publicKeyBase64
        )
        chains.checkpoint.append(fields, sign: { bytes in key.signBase64(bytes) })
    }

    // The record's own object; `HashChain.seal` then sets node, kind, seq, prev_hash and hash.
    private func fields(of record: some CanonicalRecord, chain: HashChain) -> [String: CanonicalJSON] {
        let fields: [String: CanonicalJSON]
        switch record.canonicalJSON() {
        case .object(let object):
            fields = object
        case .array, .string, .integer, .bool, .null:
            preconditionFailure("a \(type(of: record).kind) record did not encode as a JSON object")
        }
        if let node = fields["node"], node != .string(chain.nodeID) {
            // The chain's node id wins: one writer, one node. A mismatch is a wiring bug worth reporting.
            onError(
                RecordSinkError(
                    .recordNodeMismatch,
                    reason: "a \(chain.kind) record names another node than the writer \"\(chain.nodeID)\"; written under the writer's id"
                )
            )
        }
        return fields
    }
}

/// What the writer needs to take checkpoints: the key, the clock and the interval.
struct LedgerSigning: Sendable {
    let key: NodeSigningKey
    let clock: any MicrosecondClock
    let checkpointInterval: Duration

    var checkpointIntervalSeconds: Double {
        let (seconds, attoseconds) = checkpointInterval.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

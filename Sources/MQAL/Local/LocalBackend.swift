import Foundation
public import Logging

/// The embedded default backend: an append-only stream directory on the node's own disk, no server.
///
/// Entries go to `DATA/streams/<kind>/` segments (`LocalStreamEntry` lines); a batch is written with one
/// `write(2)` and acknowledged only after its `fsync`. A message id already among the last `dedupeWindow`
/// entries is acknowledged as a duplicate and not written again, so a publisher that repeats what it sent
/// after its last cursor write (a crash) adds nothing. At `ensure()`, a last entry cut short by a crash is
/// moved to `DATA/streams/quarantine/` and cut off (it was never acknowledged, so it is published again);
/// a damaged complete entry is `corruptStream` and the backend refuses to append after it.
public actor LocalBackend: StreamBackend {
    /// Default size at which a new segment starts.
    public static let defaultMaxSegmentBytes: Int64 = 64 << 20
    /// Default number of recent message ids checked for repeats.
    public static let defaultDedupeWindow = 100_000

    public nonisolated let name = "local"
    public nonisolated let destination: String
    public nonisolated let maxInFlight: Int

    private let kind: String
    private let dataDirectory: String
    private let directory: String
    private let maxSegmentBytes: Int64
    private let logger: Logger
    private var recent: RecentMessageIDs
    private var nextSequence: UInt64 = 1
    private var segment: AppendSegment?
    private var ready = false
    private var closed = false
    /// Bytes moved to quarantine by the last recovery (for tests and logs).
    public private(set) var quarantinedBytes = 0

    /// A backend for `kind` under `dataDirectory`; `batch` is how many messages one publish call may carry.
    public init(
        dataDirectory: String,
        kind: String,
        batch: Int = 1024,
        maxSegmentBytes: Int64 = LocalBackend.defaultMaxSegmentBytes,
        dedupeWindow: Int = LocalBackend.defaultDedupeWindow,
        logger: Logger = Logger(label: "sipswarm.mqal.local")
    ) {
        self.kind = kind
        self.destination = kind
        self.maxInFlight = max(1, batch)
        self.dataDirectory = dataDirectory
        self.directory = LocalStreamSegments.directory(dataDirectory: dataDirectory, kind: kind)
        self.maxSegmentBytes = max(1, maxSegmentBytes)
        self.recent = RecentMessageIDs(capacity: dedupeWindow)
        self.logger = logger
    }

    public func ensure() async throws(StreamError) {
        guard !closed else { throw StreamError(.closed, reason: "local stream \(kind) is closed") }
        guard !ready else { return }
        try POSIXDirectory.create(directory)
        let segments = try LocalStreamSegments.list(directory: directory, kind: kind)
        if let last = segments.last {
            var contents = try LocalStreamSegments.read(directory: directory, name: last.name)
            if let torn = contents.tornTail {
                try quarantine(segment: last.name, torn: torn)
                contents.tornTail = nil
            }
            // The segment before the last one too, when the last is short of the dedupe window.
            if contents.entries.count < recent.capacity, segments.count > 1 {
                let previous = try LocalStreamSegments.read(directory: directory, name: segments[segments.count - 2].name)
                for entry in previous.entries { recent.insert(entry.messageID, sequence: entry.sequence) }
            }
            for entry in contents.entries { recent.insert(entry.messageID, sequence: entry.sequence) }
            nextSequence = (contents.entries.last?.sequence).map { $0 + 1 } ?? last.firstSequence
            segment = try AppendSegment(directory: directory, name: last.name)
        }
        ready = true
    }

    public func publish(_ messages: [OutboundMessage]) async -> [Result<StreamAck, StreamError>] {
        do {
            try await ensure()
        } catch {
            return messages.map { _ in .failure(error) }
        }
        var results = [Result<StreamAck, StreamError>?](repeating: nil, count: messages.count)
        var bytes: [UInt8] = []
        // Once for the batch (see `LocalStreamEntry.append`).
        bytes.reserveCapacity(messages.reduce(0) { $0 + LocalStreamEntry.maximumSize(messageID: $1.messageID, body: $1.body) })
        var appended: [(index: Int, messageID: String, sequence: UInt64)] = []
        // A publisher's batch ascends in `seq` (StreamBackend.publish), so its ids differ (each ends in its seq) and
        // need no set of their own: two hash operations a message (issue 9 profile). Any other batch gets one.
        let ascending = zip(messages, messages.dropFirst()).allSatisfy { $0.seq < $1.seq }
        var inBatch: [String: UInt64]? = ascending ? nil : [:]
        for (index, message) in messages.enumerated() {
            if let sequence = recent.sequence(of: message.messageID) ?? inBatch?[message.messageID] {
                results[index] = .success(StreamAck(sequence: sequence, duplicate: true))
                continue
            }
            let sequence = nextSequence + UInt64(appended.count)
            LocalStreamEntry.append(sequence: sequence, messageID: message.messageID, body: message.body, to: &bytes)
            appended.append((index, message.messageID, sequence))
            inBatch?[message.messageID] = sequence
        }
        if !appended.isEmpty {
            do {
                try append(bytes, firstSequence: nextSequence)
                for entry in appended {
                    recent.insert(entry.messageID, sequence: entry.sequence)
                    results[entry.index] = .success(StreamAck(sequence: entry.sequence, duplicate: false))
                }
                nextSequence += UInt64(appended.count)
            } catch {
                for entry in appended { results[entry.index] = .failure(error) }
            }
        }
        return results.map { $0 ?? .failure(StreamError(.storageFailed, reason: "no result")) }
    }

    public func close() async {
        closed = true
        segment = nil
    }

    // One write and one fsync per batch; a failed batch is cut off again so no half entry stays behind.
    private func append(_ bytes: [UInt8], firstSequence: UInt64) throws(StreamError) {
        if segment == nil || (segment?.size ?? 0) >= maxSegmentBytes {
            let name = LocalStreamSegments.name(kind: kind, firstSequence: firstSequence)
            segment = try AppendSegment(directory: directory, name: name)
            // The new name must survive a crash before anything in it is acknowledged.
            try POSIXDirectory.sync(directory)
        }
        guard let segment else { return }
        try segment.append(bytes)
    }

    private func quarantine(segment name: String, torn: (offset: Int64, bytes: [UInt8])) throws(StreamError) {
        let quarantine = LocalStreamSegments.quarantineDirectory(dataDirectory: dataDirectory)
        try POSIXDirectory.create(quarantine)
        let stamp = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let target = quarantine + "/\(name).torn-\(stamp)"
        do {
            let file = try POSIXFile.create(target)
            try file.write(torn.bytes)
            try file.sync()
        }
        try POSIXDirectory.sync(quarantine)
        let file = try POSIXFile.openForAppending(directory + "/" + name)
        try file.truncate(to: torn.offset)
        try file.sync()
        quarantinedBytes += torn.bytes.count
        logger.warning(
            "local stream: torn last entry moved to quarantine; it was never acknowledged and is published again",
            metadata: ["segment": "\(name)", "bytes": "\(torn.bytes.count)", "quarantine_file": "\(target)"]
        )
    }
}

/// The segment a local stream appends to, with its size.
final class AppendSegment {
    private let file: POSIXFile
    private(set) var size: Int64

    init(directory: String, name: String) throws(StreamError) {
        file = try POSIXFile.openForAppending(directory + "/" + name)
        size = try file.size()
    }

    /// Appends and syncs; on failure the file is cut back to its size before, then the error is thrown.
    func append(_ bytes: [UInt8]) throws(StreamError) {
        do {
            try file.write(bytes)
            try file.sync()
            size += Int64(bytes.count)
        } catch {
            try? file.truncate(to: size)
            throw error
        }
    }
}

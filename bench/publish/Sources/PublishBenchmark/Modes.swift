import Foundation
import Logging
import MQAL
import NATS
import NIOCore
import RecordStore
import Synchronization

/// Writes `count` calls (a CDR and two attempt records each) through a real `JSONLinesRecordSink` with the node's
/// default rotation, so the `cdr` chain holds `count` durable lines exactly as a node writes them.
func writeChain(dataDirectory: String, count: Int) throws {
    let sink = try JSONLinesRecordSink(dataDirectory: dataDirectory, nodeID: Bench.nodeID, rotation: RotationPolicy())
    let start = ContinuousClock.now
    for index in 0..<count {
        sink.emit(benchSession(index, nodeID: Bench.nodeID))
    }
    sink.flush()
    let elapsed = ContinuousClock.now - start
    let durable = sink.durableSequences[Bench.kind] ?? 0
    sink.close()
    guard durable == UInt64(count) else {
        throw BenchFailure(description: "the cdr chain has \(durable) durable records, expected \(count)")
    }
    let chain = try ChainBodies.read(dataDirectory: dataDirectory)
    let files = try FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/" + Bench.kind).filter { $0.hasSuffix(".jsonl") }
    printResult([
        "mode": "write", "n": count, "seconds": seconds(elapsed), "cdr_bytes": chain.totalBytes,
        "body_bytes_avg": chain.totalBytes / max(1, chain.count), "cdr_files": files.count,
    ])
}

/// Acknowledges every message at once: the publisher's own cost (tailing and parsing the chain files, the
/// window, the cursor writes) without a network or a server.
struct AckingBackend: StreamBackend {
    let name = "null"
    let destination: String
    let maxInFlight: Int

    func ensure() async throws(StreamError) {}

    func publish(_ messages: [OutboundMessage]) async -> [Result<StreamAck, StreamError>] {
        messages.map { .success(StreamAck(sequence: $0.seq, duplicate: false)) }
    }

    func close() async {}
}

/// The node's publishing path, wired as `sipswarm serve` wires it (StreamPublishers+Configuration.swift): a sink
/// opened over the data directory (recovering the chain from disk), one `NATSConnection`, a `JetStreamBackend`
/// with the `[nats]` defaults but `max_in_flight`, a `StreamPublisher` with `readAhead = max(1024, 4 × max_in_flight)`
/// attached to the sink's durability reports. Timed: `publishDurable` from cursor 0 until every durable `cdr`
/// record is acknowledged and the cursor persisted. `url == nil` publishes to `AckingBackend` instead.
func runPublisher(dataDirectory: String, url: String?, stream: String, maxInFlight: Int, readAhead: Int?) async throws {
    var logger = Logger(label: "publish-bench")
    logger.logLevel = .warning
    let sink = try JSONLinesRecordSink(dataDirectory: dataDirectory, nodeID: Bench.nodeID, rotation: RotationPolicy())
    let durable = sink.durableSequences[Bench.kind] ?? 0
    let backend: any StreamBackend
    var connection: NATSConnection?
    if let url {
        let shared = NATSConnection(options: NATSConnection.Options(urls: [url], auth: .none, tlsCAFile: nil, name: "sipswarm-\(Bench.nodeID)"), logger: logger)
        connection = shared
        backend = JetStreamBackend(
            options: JetStreamBackend.Options(
                stream: stream, subject: Bench.subject, streamSubjects: Bench.streamSubjects,
                duplicateWindow: Bench.duplicateWindow, publishTimeout: .milliseconds(5000), maxInFlight: maxInFlight
            ),
            connection: shared,
            logger: logger
        )
    } else {
        backend = AckingBackend(destination: stream, maxInFlight: maxInFlight)
    }
    let window = readAhead ?? max(1024, 4 * maxInFlight)
    let publisher = StreamPublisher(
        kind: Bench.kind, dataDirectory: dataDirectory, backend: backend, options: PublisherOptions(readAhead: window),
        logger: logger, durableSequence: { sink.durableSequences[Bench.kind] ?? 0 }
    )
    StreamPublishers([publisher]).attach(to: sink)
    // Connecting and creating the stream are not part of the figure.
    try await backend.ensure()
    let start = ContinuousClock.now
    let status = await publisher.publishDurable(timeout: .seconds(1800))
    let elapsed = ContinuousClock.now - start
    await connection?.close()
    await offPool { sink.close() }
    var messages: UInt64 = status.cursor
    if let url {
        messages = try await countAndDelete(stream: stream, url: url)
    }
    let ok = status.cursor == durable && status.acknowledged == durable && messages == durable && status.lastError == nil
    printResult([
        "mode": url == nil ? "publisher-null" : "publisher", "n": Int(durable), "seconds": seconds(elapsed),
        "rate": Double(durable) / seconds(elapsed), "in_flight": maxInFlight, "read_ahead": window,
        "messages": Int(messages), "cursor": Int(status.cursor), "ok": ok, "error": status.lastError ?? "",
    ])
    if !ok {
        throw BenchFailure(description: "publisher run incomplete: \(status), stream holds \(messages)")
    }
}

/// `JetStreamBackend.publish` fed with the chain's messages read into memory beforehand, `batch` at a time (the
/// publisher's read-ahead window): the backend and its per-batch barrier, without file reading or cursor writes.
func runBackend(dataDirectory: String, url: String, stream: String, maxInFlight: Int, batch: Int) async throws {
    let chain = try ChainBodies.read(dataDirectory: dataDirectory)
    let messages = chain.bodies.enumerated().map { index, body in
        OutboundMessage(node: Bench.nodeID, kind: Bench.kind, seq: UInt64(index + 1), body: body)
    }
    let connection = NATSConnection(options: NATSConnection.Options(urls: [url], name: "sipswarm-\(Bench.nodeID)"))
    let backend = JetStreamBackend(
        options: JetStreamBackend.Options(
            stream: stream, subject: Bench.subject, streamSubjects: Bench.streamSubjects,
            duplicateWindow: Bench.duplicateWindow, publishTimeout: .milliseconds(5000), maxInFlight: maxInFlight
        ),
        connection: connection
    )
    try await backend.ensure()
    var acked = 0
    let start = ContinuousClock.now
    var index = 0
    while index < messages.count {
        let end = min(index + batch, messages.count)
        for result in await backend.publish(Array(messages[index..<end])) {
            if case .success = result { acked += 1 }
        }
        index = end
    }
    let elapsed = ContinuousClock.now - start
    await connection.close()
    try await reportRun(
        mode: "backend", count: messages.count, acked: acked, elapsed: elapsed, stream: stream, url: url,
        fields: ["in_flight": maxInFlight, "read_ahead": batch]
    )
}

/// The raw ceiling of our NATS client: the same bodies, already in memory, published with `JetStream.publish`
/// (`Nats-Msg-Id`, PubAck awaited) by `inFlight` tasks that each take the next message as soon as their last is
/// acknowledged, so `inFlight` publishes are always awaiting their acks. No files, no cursor, no batches.
func runRaw(dataDirectory: String, url: String, stream: String, inFlight: Int) async throws {
    let chain = try ChainBodies.read(dataDirectory: dataDirectory)
    let payloads = chain.bodies.map { ByteBuffer(bytes: $0) }
    let ids = chain.messageIDs
    var options = NATSClientOptions(name: "publish-bench-raw")
    options.maxInFlightRequests = max(inFlight, 1024)
    let client = try await NATSClient.connect(urls: [url], options: options)
    let jetStream = JetStream(client: client, timeout: .seconds(5))
    _ = try await jetStream.ensureStream(nodeStreamConfig(stream))
    let next = Ticket()
    let start = ContinuousClock.now
    let acked = await withTaskGroup(of: Int.self) { group in
        for _ in 0..<inFlight {
            group.addTask {
                var done = 0
                while true {
                    let index = next.take()
                    guard index < payloads.count else { return done }
                    if (try? await jetStream.publish(Bench.subject, payload: payloads[index], messageID: ids[index])) != nil {
                        done += 1
                    }
                }
            }
        }
        var total = 0
        for await done in group { total += done }
        return total
    }
    let elapsed = ContinuousClock.now - start
    await client.close()
    try await reportRun(mode: "raw", count: payloads.count, acked: acked, elapsed: elapsed, stream: stream, url: url, fields: ["in_flight": inFlight])
}

/// Checks that `stream` holds `count` messages (then deletes it), prints the result line, throws when a message
/// was not acknowledged or not stored.
private func reportRun(
    mode: String, count: Int, acked: Int, elapsed: Duration, stream: String, url: String, fields: [String: any Sendable]
) async throws {
    let stored = try await countAndDelete(stream: stream, url: url)
    let ok = acked == count && stored == UInt64(count)
    var result: [String: any Sendable] = [
        "mode": mode, "n": count, "seconds": seconds(elapsed), "rate": Double(count) / seconds(elapsed), "messages": Int(stored), "ok": ok,
    ]
    result.merge(fields) { _, new in new }
    printResult(result)
    if !ok { throw BenchFailure(description: "\(mode) run: \(acked) acked, stream holds \(stored)") }
}

/// Hands out 0, 1, 2, … to any number of tasks.
final class Ticket: Sendable {
    private let counter = Atomic<Int>(0)

    func take() -> Int {
        counter.add(1, ordering: .relaxed).oldValue
    }
}

/// The publisher's cursor write alone: `CursorFile.store` (temporary file, fsync, rename, folder fsync), `count` times.
func runCursor(dataDirectory: String, count: Int) throws {
    let file = CursorFile(dataDirectory: dataDirectory, backend: "bench", destination: "CURSOR", kind: Bench.kind)
    var samples: [Double] = []
    for index in 1...max(1, count) {
        let start = ContinuousClock.now
        try file.store(UInt64(index))
        samples.append(seconds(ContinuousClock.now - start))
    }
    samples.sort()
    printResult([
        "mode": "cursor", "n": samples.count, "mean_ms": samples.reduce(0, +) / Double(samples.count) * 1000,
        "p50_ms": samples[samples.count / 2] * 1000, "p99_ms": samples[min(samples.count - 1, samples.count * 99 / 100)] * 1000,
    ])
}

/// Runs `body` on a thread of its own: `JSONLinesRecordSink.close()` blocks.
func offPool(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        Thread {
            body()
            continuation.resume()
        }.start()
    }
}

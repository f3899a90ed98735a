import Benchmark
import Foundation
import RecordStore
import Records
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Where the files go: a real disk, never tmpfs (fsync would be free). BENCH_DATA_DIR overrides.
private let benchRoot = ProcessInfo.processInfo.environment["BENCH_DATA_DIR"]
    ?? FileManager.default.currentDirectoryPath + "/.bench-data"

private func freshDirectory(_ name: String) -> String {
    let path = benchRoot + "/" + name + "-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A call as the node records it: both legs filled, two attempts (a failover), about 1.9 KB of lines in all.
private func session(_ index: Int) -> SessionRecords {
    let aLeg = CallLeg(
        callID: "a84b4c76e66710-\(index)@198.51.100.7", localTag: "sw-a-\(index)", remoteTag: "9fxced76sl",
        fromURI: "sip:+4930123456@customer.example", toURI: "sip:+12125550100@sipswarm.example",
        pAssertedIdentity: "sip:+4930123456@customer.example", source: "udp:198.51.100.7:5060",
        destination: "udp:203.0.113.10:5060", transport: .udp, userAgent: "PBX/1.0"
    )
    let bLeg = CallLeg(
        callID: "sw-b-\(index)@203.0.113.10", localTag: "sw-b-\(index)", remoteTag: "4711",
        fromURI: "sip:+4930123456@sipswarm.example", toURI: "sip:+12125550100@provider.example",
        source: "udp:203.0.113.10:5060", destination: "udp:192.0.2.20:5060", transport: .udp, userAgent: "Carrier-SBC"
    )
    let cdr = CallDetailRecord(
        recordID: "cdr-\(index)", nodeID: "bench", service: .voice, sessionID: "s-\(index)",
        setupMicros: 1_764_000_000_000_000, firstProvisionalMicros: 1_764_000_000_020_000,
        firstRingingMicros: 1_764_000_000_900_000, answerMicros: 1_764_000_004_000_000,
        ackMicros: 1_764_000_004_001_000, endMicros: 1_764_000_064_000_000,
        finalCode: 200, finalReason: "OK", q850Cause: nil, q850Text: nil,
        releasedBy: .customer, releaseCause: .normal, customerID: "cust-1", providerID: "prov-2", attempts: 2,
        aLeg: aLeg, bLeg: bLeg
    )
    let attempts = (1...2).map { number in
        AttemptRecord(
            recordID: "att-\(index)-\(number)", nodeID: "bench", sessionID: "s-\(index)", cdrRecordID: "cdr-\(index)",
            attemptNumber: number, providerID: "prov-\(number)", bLegCallID: "sw-b-\(index)-\(number)@203.0.113.10",
            destination: "udp:192.0.2.\(10 * number):5060", startMicros: 1_764_000_000_000_000,
            endMicros: 1_764_000_000_400_000, responseCode: number == 1 ? 503 : 200,
            reason: number == 1 ? "Service Unavailable" : "OK", outcome: number == 1 ? .failed : .answered
        )
    }
    return SessionRecords(cdr: cdr, attempts: attempts)
}

private func sink(_ directory: String, rotation: RotationPolicy = .never) -> JSONLinesRecordSink? {
    try? JSONLinesRecordSink(dataDirectory: directory, nodeID: "bench", rotation: rotation)
}

/// Appends `bytes` and fsyncs, `count` times: the raw rate the store's harvest cycle is bounded by.
private func rawAppendAndSync(path: String, bytes: [UInt8], count: Int) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    for _ in 0..<count {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else { return false }
    }
    return true
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .cpuTotal],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(10),
        maxIterations: 2_000
    )

    // The physical limit: one fsync per harvest cycle of a file. A 1.9 KB append (one call's lines) + fsync.
    Benchmark("raw append 1 call (1.9 KB) + fsync") { benchmark in
        let directory = freshDirectory("raw")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 1_900)
        benchmark.startMeasurement()
        if !rawAppendAndSync(path: directory + "/raw.jsonl", bytes: bytes, count: 1) {
            benchmark.error("write or fsync failed: \(String(cString: strerror(errno)))")
        }
    }

    // The same bytes as a 100-call harvest cycle, in two files (CDR and attempt chains), each fsync'd once.
    Benchmark("raw append 100 calls (190 KB) in 2 files + 2 fsyncs") { benchmark in
        let directory = freshDirectory("raw")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let cdrBytes = [UInt8](repeating: UInt8(ascii: "x"), count: 100 * 900)
        let attemptBytes = [UInt8](repeating: UInt8(ascii: "y"), count: 100 * 1_000)
        benchmark.startMeasurement()
        if !rawAppendAndSync(path: directory + "/cdr.jsonl", bytes: cdrBytes, count: 1)
            || !rawAppendAndSync(path: directory + "/attempt.jsonl", bytes: attemptBytes, count: 1) {
            benchmark.error("write or fsync failed")
        }
    }

    // The store: N calls (3 records each: CDR + 2 attempts) emitted, then one harvest cycle (flush) that seals,
    // chains, writes and fsyncs them. One sink per benchmark, opened in setup. records/s = throughput × 3N.
    for calls in [1, 100, 1_000] {
        let sessions = (0..<calls).map(session)
        Benchmark(
            "store \(calls) call(s) (\(calls * 3) records) + harvest fsync",
            closure: { benchmark in
                guard let sink = OpenSink.current.withLock({ $0?.sink }) else {
                    benchmark.error("no sink")
                    return
                }
                for call in sessions {
                    sink.emit(call)
                }
                sink.flush()
            },
            setup: { try OpenSink.open("store", rotation: .never) },
            teardown: { OpenSink.close() }
        )
    }

    // Rotation: files of 3 records, so every harvest cycle of one call rotates the CDR file and the attempt file.
    // `swap (ns)` is the swap alone, as the writer times it (take the pre-opened file, name it, make it current);
    // the wall clock is the whole cycle: seal, write, fsync, swap, directory sync of the new name.
    let call = session(0)
    Benchmark(
        "rotation every cycle (1 call, files of 3 records)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .custom("swap (ns)", polarity: .prefersSmaller, useScalingFactor: false)],
            timeUnits: .microseconds,
            warmupIterations: 3,
            maxDuration: .seconds(15),
            maxIterations: 5_000
        ),
        closure: { benchmark in
            guard let sink = OpenSink.current.withLock({ $0?.sink }) else {
                benchmark.error("no sink")
                return
            }
            sink.emit(call)
            sink.flush()
            for swap in OpenSink.takeSwaps() {
                let (seconds, attoseconds) = swap.components
                benchmark.measurement(.custom("swap (ns)"), Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
            }
        },
        setup: { try OpenSink.open("rotation", rotation: RotationPolicy(maxRecords: 3)) },
        teardown: { OpenSink.close() }
    )
}

/// The sink a benchmark runs against, opened once in its setup and closed in its teardown.
enum OpenSink {
    struct Open: Sendable {
        var sink: JSONLinesRecordSink
        var directory: String
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static let current = Mutex<Open?>(nil)
    static let swaps = Mutex<[Duration]>([])

    static func open(_ name: String, rotation: RotationPolicy) throws {
        let directory = freshDirectory(name)
        guard let sink = sink(directory, rotation: rotation) else {
            throw Unavailable(description: "cannot open a record sink in \(directory)")
        }
        sink.observeRotations { event in swaps.withLock { $0.append(event.swap) } }
        current.withLock { $0 = Open(sink: sink, directory: directory) }
    }

    static func takeSwaps() -> [Duration] {
        swaps.withLock { swaps in
            defer { swaps.removeAll() }
            return swaps
        }
    }

    static func close() {
        guard let open = current.withLock({ state -> Open? in
            defer { state = nil }
            return state
        }) else { return }
        open.sink.close()
        try? FileManager.default.removeItem(atPath: open.directory)
        _ = takeSwaps()
    }
}

import Foundation
import Records
import RecordStore
@testable import MQAL
import TestScratch

/// Temporary data directories, real sinks and sessions for the MQAL tests.
enum MQALFixtures {
    static func temporaryDirectory() -> String {
        ScratchDirectory.make("mqal")
    }

    /// A real sink over `dataDirectory` with a fast harvest cycle and the given rotation.
    static func sink(_ dataDirectory: String, rotation: RotationPolicy = .never, nodeID: String = "n1") throws -> JSONLinesRecordSink {
        try JSONLinesRecordSink(dataDirectory: dataDirectory, nodeID: nodeID, rotation: rotation)
    }

    /// One session with a CDR and `attempts` attempt records.
    static func session(_ index: Int, attempts: Int = 1) -> SessionRecords {
        let cdr = CallDetailRecord(
            recordID: "cdr-\(index)", nodeID: "n1", service: .voice, sessionID: "s-\(index)",
            setupMicros: 1_000_000, firstProvisionalMicros: 1_100_000, firstRingingMicros: 1_200_000,
            answerMicros: 2_000_000, ackMicros: 2_001_000, endMicros: 5_000_000,
            finalCode: 200, finalReason: "OK", q850Cause: nil, q850Text: nil,
            releasedBy: .customer, releaseCause: .normal, customerID: "c1", providerID: "p1", attempts: attempts,
            aLeg: CallLeg(callID: "a-\(index)", fromURI: "sip:+49301234\(index)@example.net"), bLeg: nil
        )
        let attemptRecords = (0..<attempts).map { number in
            AttemptRecord(
                recordID: "att-\(index)-\(number)", nodeID: "n1", sessionID: "s-\(index)", cdrRecordID: "cdr-\(index)",
                attemptNumber: number + 1, providerID: "p\(number + 1)", bLegCallID: "b-\(index)-\(number)",
                destination: "udp:127.0.0.1:5080", startMicros: 1_000_000, endMicros: 2_000_000,
                responseCode: 200, reason: "OK", outcome: .answered
            )
        }
        return SessionRecords(cdr: cdr, attempts: attemptRecords)
    }

    /// Emits sessions `range` and waits until they are durable.
    static func emit(_ range: Range<Int>, into sink: JSONLinesRecordSink) {
        for index in range {
            sink.emit(session(index))
        }
        sink.flush()
    }

    /// `emit` on a thread of its own: `flush()` blocks, and a blocked thread of the small cooperative pool
    /// (two on this machine) stalls every other test running beside it.
    static func emitAsync(_ range: Range<Int>, into sink: JSONLinesRecordSink) async {
        await offPool { emit(range, into: sink) }
    }

    /// `close()` off the cooperative pool, for the same reason.
    static func close(_ sink: JSONLinesRecordSink) async {
        await offPool { sink.close() }
    }

    static func offPool(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                body()
                continuation.resume()
            }.start()
        }
    }

    /// Every line of a kind's chain, in seq order (files ordered by their first record).
    static func chainLines(_ dataDirectory: String, kind: String) throws -> [String] {
        let directory = dataDirectory + "/" + kind
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }
        var files: [(UInt64, [String])] = []
        for name in names {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            guard let first = lines.first else { continue }
            files.append((try seq(of: first), lines))
        }
        return files.sorted { $0.0 < $1.0 }.flatMap(\.1)
    }

    static func seq(of line: String) throws -> UInt64 {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return (object?["seq"] as? NSNumber)?.uint64Value ?? 0
    }

    /// Polls `condition` until true or `timeout`.
    static func eventually(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}

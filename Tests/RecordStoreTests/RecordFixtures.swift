import Foundation
@testable import RecordStore
import Records
import Synchronization
import TestScratch

/// Sessions, temporary directories and fake files for the recording tests.
enum RecordFixtures {
    /// `name` in a fresh temporary folder when it is a bare name. Fake files need a real place because the writer puts
    /// a closed file's manifest beside its path; a bare name would put it in the working directory (the repository).
    static func scratchPath(_ name: String) -> String {
        if name.hasPrefix("/") { return name }
        return ScratchDirectory.make("fake") + "/" + name
    }

    static func session(index: Int, attempts: Int) -> SessionRecords {
        let cdr = CallDetailRecord(
            recordID: "cdr-\(index)", nodeID: "n1", service: .voice, sessionID: "s-\(index)",
            setupMicros: 1_000_000, firstProvisionalMicros: 1_100_000, firstRingingMicros: 1_200_000,
            answerMicros: 2_000_000, ackMicros: 2_001_000, endMicros: 5_000_000,
            finalCode: 200, finalReason: "OK \"quoted\"\n", q850Cause: nil, q850Text: nil,
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

    static func temporaryDirectory() -> String {
        ScratchDirectory.make("rec")
    }

    static func lines(ofFile path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.isEmpty || text.hasSuffix("\n") else {
            throw TornLine(path: path)
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    static func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return object as? [String: Any] ?? [:]
    }

    /// Polls `condition` for up to `seconds`; true as soon as it holds.
    static func eventually(seconds: Int = 10, _ condition: () -> Bool) -> Bool {
        for _ in 0..<(seconds * 200) {
            if condition() {
                return true
            }
            usleep(5_000)
        }
        return condition()
    }
}

/// A record file whose last line has no newline.
struct TornLine: Error {
    let path: String
}

/// A gate that blocks writers until opened.
final class Gate: Sendable {
    private let open = Mutex(false)

    init(open isOpen: Bool) {
        open.withLock { $0 = isOpen }
    }

    func openGate() {
        open.withLock { $0 = true }
    }

    func waitUntilOpen() {
        while !open.withLock({ $0 }) {
            usleep(1_000)
        }
    }
}

/// An in-memory `RecordFile` that can stall behind a gate, fail chosen write calls and write short.
final class FakeRecordFile: RecordFile {
    struct State {
        var bytes: [UInt8] = []
        var writeCalls = 0
        var syncs = 0
        var closed = false
    }

    let path: String
    private let gate: Gate
    private let failingCalls: Set<Int>
    private let maximumWrite: Int
    private let state = Mutex(State())

    init(path: String, gate: Gate = Gate(open: true), failingCalls: Set<Int> = [], maximumWrite: Int = .max) {
        self.path = RecordFixtures.scratchPath(path)
        self.gate = gate
        self.failingCalls = failingCalls
        self.maximumWrite = maximumWrite
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(RecordSinkError) -> Int {
        gate.waitUntilOpen()
        let call = state.withLock { state in
            state.writeCalls += 1
            return state.writeCalls
        }
        if failingCalls.contains(call) {
            throw RecordSinkError(.writeFailed, reason: "injected failure on write \(call)")
        }
        let count = min(bytes.count, maximumWrite)
        state.withLock { $0.bytes.append(contentsOf: bytes.prefix(count)) }
        return count
    }

    func sync() throws(RecordSinkError) {
        state.withLock { $0.syncs += 1 }
    }

    func close() {
        state.withLock { $0.closed = true }
    }

    var text: String {
        state.withLock { String(decoding: $0.bytes, as: UTF8.self) }
    }

    var snapshot: State {
        state.withLock { $0 }
    }
}

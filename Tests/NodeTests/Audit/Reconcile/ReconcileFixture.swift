import Foundation
import Ledger
import Node
import RecordStore
import Records

/// Two nodes' data directories written by the real record writer: node `na` sent calls to its provider `nb`,
/// node `nb` carried them for its customer `na` to provider `p1`; the same calls from the two ends, each CDR
/// with the same confirmed receipt. Calls without a receipt are mixed in, so trees are ragged.
struct ReconcileFixture {
    /// What to write differently on node `nb` for one call.
    struct Deviation {
        var customerRate: String?
        var endShiftMicros: Int64 = 0
        var state: Receipt.State = .confirmed
    }

    static let calls = 1...9
    static let upstreamRate = "0.012500"

    let root: String
    var upstream: String { root + "/na" }
    var downstream: String { root + "/nb" }

    /// Writes both nodes' directories; `deviations` by call number change what `nb` recorded, `onlyUpstream` calls are
    /// missing at `nb`, and `routingPadding` bytes of filler make each CDR line that much longer.
    init(deviations: [Int: Deviation] = [:], onlyUpstream: Set<Int> = [], routingPadding: Int = 0) throws {
        root = NSTemporaryDirectory() + "sipswarm-reconcile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.write(node: "na", into: upstream, sessions: Self.calls.flatMap { call in
            [Self.unrelated("na", call), Self.upstreamCDR(call, padding: routingPadding)]
        })
        try Self.write(node: "nb", into: downstream, sessions: Self.calls.filter { !onlyUpstream.contains($0) }.flatMap { call in
            [Self.downstreamCDR(call, deviations[call] ?? Deviation(), padding: routingPadding), Self.unrelated("nb", call)]
        })
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    static func guid(_ call: Int) -> String { "R-\(call)-7f3a" }

    static func write(node: String, into directory: String, sessions: [SessionRecords]) throws {
        let sink = try JSONLinesRecordSink(dataDirectory: directory, nodeID: node)
        for session in sessions {
            sink.emit(session)
        }
        // Close writes the final checkpoint, which covers every CDR.
        sink.close()
    }

    static func publicKey(of directory: String) throws -> [UInt8] {
        try NodeSigningKey.loadPublicKey(dataDirectory: directory) ?? []
    }

    static func upstreamCDR(_ call: Int, padding: Int) -> SessionRecords {
        let answer: Int64 = 1_700_000_000_000_000 + Int64(call) * 60_000_000
        return session(
            node: "na", call: call, customer: "c1", provider: "nb",
            aLeg: "cust-\(call)@10.0.0.1", bLeg: "hop-\(call)@na",
            answer: answer, end: answer + 61_000_000,
            rating: rating(customer: "0.015000", provider: upstreamRate),
            receipt: Receipt(guid: guid(call), state: .confirmed, providerID: "nb"), padding: padding
        )
    }

    static func downstreamCDR(_ call: Int, _ deviation: Deviation, padding: Int) -> SessionRecords {
        // nb sees the answer 3 ms before na (the 200 travels from nb to na) and the BYE 5 ms after.
        let answer: Int64 = 1_700_000_000_000_000 + Int64(call) * 60_000_000 - 3_000
        return session(
            node: "nb", call: call, customer: "na", provider: "p1",
            aLeg: "hop-\(call)@na", bLeg: "prov-\(call)@nb",
            answer: answer, end: answer + 61_008_000 + deviation.endShiftMicros,
            rating: rating(customer: deviation.customerRate ?? upstreamRate, provider: "0.010000"),
            receipt: Receipt(guid: guid(call), state: deviation.state, providerID: "p1"), padding: padding
        )
    }

    static func unrelated(_ node: String, _ call: Int) -> SessionRecords {
        session(
            node: node, call: 100 + call, customer: "c9", provider: "p9", aLeg: "other-\(call)@\(node)", bLeg: nil,
            answer: nil, end: 1_700_000_000_000_000, rating: nil, receipt: nil, padding: 0
        )
    }

    static func rating(customer: String, provider: String) -> CanonicalJSON {
        func side(_ rate: String) -> CanonicalJSON {
            .object(["rate": .string(rate), "price_unit": .string("per-min"), "prefix": .string("44"), "billed_s": .integer(66)])
        }
        return .object(["currency": .string("EUR"), "customer": side(customer), "provider": side(provider), "spread": .string("0.000000")])
    }

    static func session(
        node: String, call: Int, customer: String, provider: String, aLeg: String, bLeg: String?,
        answer: Int64?, end: Int64, rating: CanonicalJSON?, receipt: Receipt?, padding: Int
    ) -> SessionRecords {
        let setup = (answer ?? end) - 2_000_000
        let cdr = CallDetailRecord(
            recordID: "\(node)-cdr-\(call)", nodeID: node, service: .voice, sessionID: "\(node)-s-\(call)",
            setupMicros: setup, firstProvisionalMicros: nil, firstRingingMicros: nil,
            answerMicros: answer, ackMicros: answer.map { $0 + 1_000 }, endMicros: end,
            finalCode: answer == nil ? 503 : 200, finalReason: nil, q850Cause: nil, q850Text: nil,
            releasedBy: .customer, releaseCause: answer == nil ? .failure : .normal, customerID: customer, providerID: provider,
            attempts: 1, aLeg: CallLeg(callID: aLeg), bLeg: bLeg.map { CallLeg(callID: $0) },
            rating: rating.map(CanonicalBlock.json),
            routing: padding > 0 ? .json(.object(["filler": .string(String(repeating: "x", count: padding))])) : nil,
            receipt: receipt
        )
        return SessionRecords(cdr: cdr, attempts: [])
    }
}

import Records
import Testing
@testable import Ledger

/// The record writer's line: the scratch bytes copied once around the `hash` member (`HashMember.line`) against the
/// bytes with the member inserted into them, as `seal(fields)` still makes its lines; and a chain whose scratch
/// holds a long record before a short one.
@Suite struct HashMemberTests {
    // The insert path: the member as text, put into a copy of the bytes, then the newline.
    static func inserted(_ bytes: [UInt8], hash: LedgerHash, at offset: Int, afterMember: Bool) -> [UInt8] {
        let member = (afterMember ? "," : "") + #""hash":""# + hash.hex + "\"" + (afterMember ? "" : ",")
        var line = bytes
        line.insert(contentsOf: Array(member.utf8), at: offset)
        line.append(UInt8(ascii: "\n"))
        return line
    }

    @Test func theLineIsTheBytesWithTheMemberInsertedAtItsPlace() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var wrong: [(length: Int, offset: Int)] = []
        for length in [0, 1, 2, 7, 8, 9, 63, 64, 65, 200, 1_041, 2_100] {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            let hash = LedgerHash.sha256(bytes)
            for offset in Set([0, 1, length / 3, length / 2, length - 1, length].filter { (0...length).contains($0) }) {
                for afterMember in [false, true] {
                    let line = bytes.withUnsafeBufferPointer { HashMember.line($0, hash: hash, at: (offset, afterMember)) }
                    if line != Self.inserted(bytes, hash: hash, at: offset, afterMember: afterMember) {
                        wrong.append((length, offset))
                    }
                }
            }
        }
        #expect(wrong.isEmpty, "wrong lines for (length, offset) \(wrong.prefix(5))")
    }

    @Test func aShortRecordAfterALongOneSealsAsFromItsObject() {
        var fromObjects = HashChain(nodeID: "n1", kind: AttemptRecord.kind)
        var fromRecords = HashChain(nodeID: "n1", kind: AttemptRecord.kind)
        // Reasons from 3 KB (beyond the scratch's first capacity) down to nothing, long and short in turn.
        for number in 1...12 {
            let reason = String(repeating: "Service Unavailable \(number) ", count: number.isMultiple(of: 2) ? 3_000 / 22 : 12 - number)
            let attempt = AttemptRecord(
                recordID: "att-\(number)", nodeID: "n1", sessionID: "s", cdrRecordID: "c", attemptNumber: number,
                providerID: "p1", bLegCallID: nil, destination: "udp:127.0.0.1:5080", startMicros: 1, endMicros: 2,
                responseCode: 503, reason: reason.isEmpty ? nil : reason, outcome: .failedOver
            )
            guard case .object(let fields) = attempt.canonicalJSON() else {
                Issue.record("a record encodes to an object")
                return
            }
            let expected = fromObjects.seal(fields)
            let sealed = fromRecords.seal(record: attempt).sealed
            #expect(sealed.line == expected.line)
            #expect(sealed.hash == expected.hash)
        }
    }
}

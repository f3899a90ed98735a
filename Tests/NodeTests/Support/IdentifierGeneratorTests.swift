import Testing

@testable import Node

@Suite struct IdentifierGeneratorTests {
    @Test func branchesCarryThePrefixTheLoopCheckLooksFor() {
        var ids = IdentifierGenerator(nodeID: "n1", host: "127.0.0.1")
        let branch = ids.branch()
        #expect(branch.hasPrefix(ids.branchPrefix))
        #expect(ids.containsBranchPrefix("SIP/2.0/UDP 10.0.0.1:5060;branch=\(branch);rport"))
        // The prefix at the very end of the line, and a line that is exactly the prefix.
        #expect(ids.containsBranchPrefix("SIP/2.0/UDP 10.0.0.1;branch=" + ids.branchPrefix))
        #expect(ids.containsBranchPrefix(ids.branchPrefix))
    }

    @Test func otherNodesBranchesAndPartialPrefixesAreNotLoops() {
        let ids = IdentifierGenerator(nodeID: "n1", host: "127.0.0.1")
        let other = IdentifierGenerator(nodeID: "n2", host: "127.0.0.1")
        #expect(!ids.containsBranchPrefix("SIP/2.0/UDP 10.0.0.1:5060;branch=\(other.branchPrefix)1"))
        #expect(!ids.containsBranchPrefix(String(ids.branchPrefix.dropLast())))
        #expect(!ids.containsBranchPrefix(""))
        // Non-ASCII text around the bytes does not confuse the byte search.
        #expect(ids.containsBranchPrefix("é;branch=\(ids.branchPrefix)x ü"))
        #expect(!ids.containsBranchPrefix("é;branch=z9hG4bK-é"))
    }

    @Test func digitsWrittenInPlaceMatchTheStandardLibrary() {
        var values: [UInt64] = [0, 1, 9, 10, 15, 16, 35, 36, 37, UInt64.max, UInt64.max >> 16, 1 << 63]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(state >> (state % 61))
        }
        for value in values {
            for radix: UInt64 in [16, 36] {
                let written = IdentifierGenerator.format(capacity: 16) { $0.append(value, radix: radix) }
                #expect(written == String(value, radix: Int(radix)))
            }
            let padded = IdentifierGenerator.format(capacity: 16) { $0.append(value, radix: 16, width: 16) }
            let hex = String(value, radix: 16)
            #expect(padded == String(repeating: "0", count: 16 - hex.count) + hex)
        }
    }

    @Test func sessionIDsAreThirtyTwoHexDigitsAndCallIDsEndInTheHost() {
        var ids = IdentifierGenerator(nodeID: "n1", host: "node.example.net")
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let session = ids.sessionID()
            #expect(session.utf8.count == 32)
            #expect(session.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            let callID = ids.callID()
            #expect(callID.hasSuffix("@node.example.net"))
            #expect(callID.dropLast("@node.example.net".count).allSatisfy { $0.isNumber || ("a"..."z").contains($0) })
            seen.insert(session)
            seen.insert(callID)
        }
        #expect(seen.count == 2_000)
    }
}

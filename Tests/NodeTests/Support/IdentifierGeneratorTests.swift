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
}

import ArgumentParser
import Foundation
import Ledger
import Records
import Testing
@testable import sipswarm
import TestScratch

/// `sipswarm verify`, `proof` and `key show`, driven through their parsed commands.
@Suite struct LedgerCommandTests {
    /// A data directory with `count` cdr records and one checkpoint over them.
    struct DataDirectory {
        let path: String
        let key: NodeSigningKey

        init(cdr count: Int = 6) throws {
            path = ScratchDirectory.make("ledger-cli")
            try FileManager.default.createDirectory(atPath: path + "/cdr", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: path + "/checkpoint", withIntermediateDirectories: true)
            key = try NodeSigningKey.loadOrCreate(dataDirectory: path)
            var chain = HashChain(nodeID: "n1", kind: "cdr")
            var tree = MerkleTree()
            var lines: [UInt8] = []
            for index in 1...count {
                let sealed = chain.seal(["id": .string("id-\(index)"), "duration_ms": .integer(Int64(index))])
                tree.append(recordHash: sealed.hash)
                lines += sealed.line
            }
            try Data(lines).write(to: URL(fileURLWithPath: path + "/cdr/cdr-n1-1.jsonl"))
            var checkpoints = HashChain(nodeID: "n1", kind: "checkpoint")
            let signer = key
            let checkpoint = checkpoints.seal(
                CheckpointFields.make(timeMicros: 1_700_000_000_000_000, chains: ["cdr": tree.head], publicKeyBase64: key.publicKeyBase64),
                sign: { signer.signBase64($0) }
            )
            try Data(checkpoint.line).write(to: URL(fileURLWithPath: path + "/checkpoint/checkpoint-n1-1.jsonl"))
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    @Test func verifyPrintsASummaryForAnIntactDirectory() throws {
        let data = try DataDirectory()
        defer { data.remove() }
        let outcome = try VerifyCommand.parse([data.path]).outcome()
        #expect(outcome.failure == nil)
        let output = try #require(outcome.output)
        #expect(output.contains("chain cdr: 6 records"))
        #expect(output.contains("chain checkpoint: 1 records"))
        #expect(output.contains("verified: 7 records in 2 chains, 1 checkpoints, last checkpoint seq 1 at 20231114T221320 UTC"))
    }

    @Test func verifyJSONForIntactAndBrokenDirectories() throws {
        let data = try DataDirectory()
        defer { data.remove() }
        let intact = try #require(try VerifyCommand.parse([data.path, "--json"]).outcome().output)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(intact.utf8)) as? [String: Any])
        #expect(report["ok"] as? Bool == true)
        let chains = try #require(report["chains"] as? [[String: Any]])
        #expect(chains.map { $0["kind"] as? String } == ["cdr", "checkpoint"])
        #expect(chains.map { ($0["records"] as? NSNumber)?.intValue } == [6, 1])

        // Drop cdr record 3.
        let file = data.path + "/cdr/cdr-n1-1.jsonl"
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.remove(at: 2)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))

        let broken = try VerifyCommand.parse([data.path]).outcome()
        #expect(broken.output == nil)
        #expect(broken.failure?.description == "cdr/cdr-n1-1.jsonl:3: cdr seq 4: expected seq 3")

        let brokenJSON = try VerifyCommand.parse([data.path, "--json"]).outcome()
        let brokenOutput = try #require(brokenJSON.output)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(brokenOutput.utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == false)
        let failure = try #require(object["failure"] as? [String: Any])
        #expect(failure["code"] as? String == "seqMismatch")
        #expect(failure["file"] as? String == "cdr/cdr-n1-1.jsonl")
        #expect((failure["line"] as? NSNumber)?.intValue == 3)
        #expect(failure["kind"] as? String == "cdr")
        #expect((failure["seq"] as? NSNumber)?.intValue == 4)
    }

    @Test func verifyExitsOneWhenBroken() throws {
        let data = try DataDirectory()
        defer { data.remove() }
        try FileManager.default.removeItem(atPath: data.path + "/checkpoint")
        #expect(throws: ExitCode(1)) { try VerifyCommand.parse([data.path, "--json"]).run() }
    }

    @Test func proofRoundTripThroughAFile() throws {
        let data = try DataDirectory()
        defer { data.remove() }
        let proofFile = data.path + "/proof.json"
        try ProofCommand.parse([data.path, "--kind", "cdr", "--seq", "4", "--output", proofFile]).run()
        let held = try ProofCommand.parse(["--verify", proofFile, "--public-key", data.key.publicKeyBase64]).check(path: proofFile)
        #expect(held.hasPrefix("proof holds: cdr seq 4 is in the cdr tree of size 6"))

        try ProofCommand.parse([data.path, "--cdr-id", "id-2", "--output", proofFile]).run()
        let byID = try ProofCommand.parse(["--verify", proofFile]).check(path: proofFile)
        #expect(byID.hasPrefix("proof holds: cdr seq 2 "))

        // Claim a different duration for the proven CDR.
        let text = try String(contentsOfFile: proofFile, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"duration_ms\":2", with: "\"duration_ms\":3").utf8).write(to: URL(fileURLWithPath: proofFile))
        #expect(throws: ExitCode(1)) { try ProofCommand.parse(["--verify", proofFile]).check(path: proofFile) }
    }

    @Test func proofOptionsMustNameOneRecord() {
        #expect(throws: (any Error).self) { try ProofCommand.parse(["/tmp/x"]) }
        #expect(throws: (any Error).self) { try ProofCommand.parse(["/tmp/x", "--kind", "cdr"]) }
        #expect(throws: (any Error).self) { try ProofCommand.parse(["/tmp/x", "--kind", "cdr", "--seq", "1", "--cdr-id", "a"]) }
        #expect(throws: (any Error).self) { try ProofCommand.parse(["/tmp/x", "--verify", "f"]) }
        #expect(throws: (any Error).self) { try ProofCommand.parse([]) }
    }

    @Test func keyShowCreatesTheKeyOnceAndPrintsItsPublicHalf() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-key-\(UUID().uuidString)/data").path
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        let first = try KeyCommand.Show.parse(["--data-dir", directory]).publicKey()
        #expect(Data(base64Encoded: first)?.count == 32)
        let second = try KeyCommand.Show.parse(["--data-dir", directory]).publicKey()
        #expect(second == first)
        let stored = try String(contentsOfFile: directory + "/keys/node-ed25519.pub", encoding: .utf8)
        #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == first)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/keys/node-ed25519.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test func keyShowDefaultsToDotData() throws {
        #expect(try KeyCommand.Show.parse([]).dataDir == "./data")
    }
}

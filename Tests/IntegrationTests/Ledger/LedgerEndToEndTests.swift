import Foundation
import Glibc
import Testing

extension Integration {
    /// The ledger as an auditor meets it: a data directory the node wrote, checked by
    /// `sipswarm verify` and, independently, by `examples/verify_ledger.py`.
    @Suite("ledger end to end")
    struct LedgerEndToEndTests {
        static let kinds = ["attempt", "audit", "cdr", "checkpoint"]

        @Test
        func sippRunVerifiesWithBothVerifiers() async throws {
            let run = try await LedgerRun.shared.result()
            let swift = try await LedgerTools.sipswarmVerify(run.dataDirectory, in: run.directory)
            let swiftJSON = try await LedgerTools.sipswarmVerify(run.dataDirectory, json: true, in: run.directory)
            let python = try await LedgerTools.pythonVerify(run.dataDirectory, in: run.directory)
            #expect(swift.exitCode == 0, "\(swift)")
            #expect(swiftJSON.exitCode == 0, "\(swiftJSON)")
            #expect(python.exitCode == 0, "\(python)")

            var onDisk: [String: Int] = [:]
            for kind in Self.kinds {
                onDisk[kind] = try ChainFile.records(kind: kind, in: run.dataDirectory).count
            }
            // One failover call (one CDR, two attempts) plus the answered calls.
            #expect(onDisk["cdr"] == LedgerRunResult.calls + 1, "\(onDisk)")
            #expect(onDisk["attempt"] == LedgerRunResult.calls + 2, "\(onDisk)")
            #expect((onDisk["audit"] ?? 0) >= 1, "\(onDisk)")
            #expect((onDisk["checkpoint"] ?? 0) >= 2, "a 1 s interval and a final checkpoint: \(onDisk)")

            #expect(Self.pythonCounts(python.stdout) == onDisk, "\(python)")
            #expect(Self.sipswarmCounts(swiftJSON.stdout) == onDisk, "\(swiftJSON)")
        }

        @Test(arguments: Tamper.allCases)
        func tamperingIsFoundByBothVerifiers(_ tamper: Tamper) async throws {
            let run = try await LedgerRun.shared.result()
            let directory = try TemporaryDirectory(prefix: "ledger-\(tamper.rawValue)")
            let copy = try LedgerTools.copy(run.dataDirectory, in: directory, as: "data")
            let expected = try await tamper.apply(to: copy, in: directory)

            let swift = try await LedgerTools.sipswarmVerify(copy, in: directory)
            let python = try await LedgerTools.pythonVerify(copy, in: directory)
            for result in [swift, python] {
                #expect(result.exitCode == 1, "\(result)")
                let failure = result.failure
                #expect(failure?.isSamePlace(as: expected.place) == true, "expected \(expected.place)\n\(result)")
                if let word = expected.word {
                    #expect(failure?.what.lowercased().contains(word) == true, "expected '\(word)' in the message\n\(result)")
                }
            }
        }

        @Test
        func keyShowPrintsTheKeyEveryCheckpointCarries() async throws {
            let run = try await LedgerRun.shared.result()
            let directory = try TemporaryDirectory(prefix: "ledger-key-show")
            let copy = try LedgerTools.copy(run.dataDirectory, in: directory, as: "data")
            let shown = try await LedgerTools.keyShow(copy, in: directory)
            #expect(shown.exitCode == 0, "\(shown)")
            let key = shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Data(base64Encoded: key)?.count == 32, "\(shown)")

            let publicFile = copy.appendingPathComponent("keys/node-ed25519.pub")
            let stored = try String(contentsOf: publicFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key == stored)
            let checkpoints = try ChainFile.records(kind: "checkpoint", in: copy)
            #expect(!checkpoints.isEmpty)
            for checkpoint in checkpoints {
                #expect(checkpoint.record.string("public_key") == key, "\(checkpoint.file):\(checkpoint.line)")
            }
        }

        @Test
        func keyShowCreatesTheKeyPairInAFreshDataDirectory() async throws {
            let directory = try TemporaryDirectory(prefix: "ledger-key-new")
            let data = directory.url.appendingPathComponent("data", isDirectory: true)
            let first = try await LedgerTools.keyShow(data, in: directory)
            let second = try await LedgerTools.keyShow(data, in: directory)
            #expect(first.exitCode == 0, "\(first)")
            #expect(second.exitCode == 0, "\(second)")
            let key = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Data(base64Encoded: key)?.count == 32, "\(first)")
            #expect(second.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == key, "the second call must not make a new key")

            let stored = try String(contentsOf: data.appendingPathComponent("keys/node-ed25519.pub"), encoding: .utf8)
            #expect(stored.trimmingCharacters(in: .whitespacesAndNewlines) == key)
            let attributes = try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("keys/node-ed25519.key").path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(attributes)")
        }

        @Test
        func killDuringLoadThenRestartContinuesEveryChain() async throws {
            let base = Ports.ledgerCrash
            let directory = try TemporaryDirectory(prefix: "ledger-crash")
            // The default 60 s interval: nothing after the start is covered when the node dies.
            let config = NodeConfig(sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)])
            let first = try await NodeProcess.start(config, in: directory)
            let data = first.dataDirectory
            let loadProvider = try await SippProcess.startServer(
                "uas-load", SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: 1000, timeLimitSeconds: 60), in: directory
            )
            let load = try SippProcess(
                "uac-load",
                SippOptions(scenario: "uac_call.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: 1000, rate: 100, timeLimitSeconds: 60),
                in: directory
            )
            try await Self.waitForRecords(kind: "cdr", atLeast: 50, in: data)
            #expect(await first.kill() == 128 + SIGKILL)
            _ = await load.stop()
            _ = await loadProvider.stop()

            // Before the restart nothing vouches for the records the dead node wrote.
            let beforeRestart = [
                try await LedgerTools.sipswarmVerify(data, in: directory),
                try await LedgerTools.pythonVerify(data, in: directory),
            ]
            for result in beforeRestart {
                #expect(result.exitCode == 1, "\(result)")
                let what = result.failure?.what.lowercased() ?? ""
                #expect(what.contains("unverified") || what.contains("torn"), "\(result)")
            }
            if let swiftPlace = beforeRestart[0].failure, let pythonPlace = beforeRestart[1].failure {
                #expect(swiftPlace.isSamePlace(as: pythonPlace), "\(swiftPlace) vs \(pythonPlace)")
            }

            // Whatever the kill left, end the cdr file with half a line, as a crash mid-write would.
            let tornFile = try #require(try ChainFile.all(kind: "cdr", in: data).last)
            let completeBeforeRestart = try Self.completeLines(kind: "cdr", in: data)
            let torn = #"{"a_leg":{"call_id":"torn"#
            let handle = try FileHandle(forWritingTo: tornFile.url)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(torn.utf8))
            try handle.close()

            let secondCalls = 50
            let second = try await NodeProcess.start(config, in: directory, processName: "sipswarm-restarted")
            let provider = try await SippProcess.startServer(
                "uas", SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: secondCalls, timeLimitSeconds: 60), in: directory
            )
            let customer = try SippProcess(
                "uac",
                SippOptions(scenario: "uac_call.xml", localPort: base + 41, remote: "127.0.0.1:\(base)", calls: secondCalls, rate: 25, timeLimitSeconds: 60),
                in: directory
            )
            let customerResult = await customer.wait()
            _ = await finish(provider)
            let secondExit = await second.stop()
            #expect(customerResult.successfulCalls == secondCalls, "\(customerResult)")
            #expect(secondExit == 0, "node stderr:\n\(second.stderrTail)")

            let swift = try await LedgerTools.sipswarmVerify(data, in: directory)
            let python = try await LedgerTools.pythonVerify(data, in: directory)
            #expect(swift.exitCode == 0, "\(swift)")
            #expect(python.exitCode == 0, "\(python)")

            // One chain per kind: seq 1...N across every file, and the cdr chain spans both runs' files.
            for kind in Self.kinds {
                let seqs = try ChainFile.records(kind: kind, in: data).map { $0.record.int("seq") ?? -1 }
                #expect(!seqs.isEmpty && seqs == Array(1...seqs.count), "\(kind): \(seqs)")
            }
            #expect(try ChainFile.all(kind: "cdr", in: data).count >= 2, "a new cdr file per start")
            // Calls that were up at the kill come back from the crash journal as recovered CDRs
            // (release cause node_failure); every other line is a CDR written before or after.
            let cdrs = try ChainFile.records(kind: "cdr", in: data).map(\.record)
            let recovered = cdrs.filter { $0.string("release_cause") == "node_failure" }
            #expect(cdrs.count - recovered.count == completeBeforeRestart + secondCalls, "complete lines before the restart are kept, the torn one is not")
            #expect(recovered.allSatisfy { $0.bool("recovered") == true }, "\(recovered)")

            let audit = try ChainFile.records(kind: "audit", in: data).map(\.record)
            let events = audit.compactMap { $0.string("event") }
            #expect(events.filter { $0 == "node_started" }.count == 2, "\(events)")
            let quarantined = audit.filter { $0.string("event") == "torn_line_quarantined" }
            try #require(quarantined.count == 1, "\(audit)")
            #expect(quarantined[0].string("file")?.hasSuffix(tornFile.name) == true, "\(quarantined[0])")
            let quarantineFolder = data.appendingPathComponent("quarantine", isDirectory: true)
            let quarantineFiles = try FileManager.default.contentsOfDirectory(atPath: quarantineFolder.path)
            try #require(quarantineFiles.count == 1, "\(quarantineFiles)")
            let moved = try String(contentsOf: quarantineFolder.appendingPathComponent(quarantineFiles[0]), encoding: .utf8)
            #expect(moved.hasSuffix(torn), "quarantined bytes: \(moved)")
            #expect(quarantined[0].int("bytes") == moved.utf8.count, "\(quarantined[0])")
        }

        /// Per-chain record counts from the example script's summary (`chain cdr: 101 records`).
        static func pythonCounts(_ summary: String) -> [String: Int] {
            var counts: [String: Int] = [:]
            for line in summary.split(separator: "\n") {
                if let match = line.wholeMatch(of: /chain (\S+): (\d+) records/) {
                    counts[String(match.1)] = Int(match.2)
                }
            }
            return counts
        }

        /// Per-chain record counts from `sipswarm verify --json` (`"chains": [{"kind": …, "records": …}]`).
        static func sipswarmCounts(_ json: String) -> [String: Int] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                let chains = object["chains"] as? [[String: Any]]
            else {
                return [:]
            }
            var counts: [String: Int] = [:]
            for chain in chains {
                if let kind = chain["kind"] as? String, let records = chain["records"] as? NSNumber {
                    counts[kind] = records.intValue
                }
            }
            return counts
        }

        /// Complete (newline-ended) lines in every file of a kind.
        static func completeLines(kind: String, in data: URL) throws -> Int {
            let folder = data.appendingPathComponent(kind, isDirectory: true)
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".jsonl") }
                .map { try Data(contentsOf: folder.appendingPathComponent($0)).filter { $0 == UInt8(ascii: "\n") }.count }
                .reduce(0, +)
        }

        static func waitForRecords(kind: String, atLeast count: Int, in data: URL, timeout: Duration = .seconds(20)) async throws {
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while ContinuousClock.now < deadline {
                if (try? completeLines(kind: kind, in: data)) ?? 0 >= count {
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw HarnessError("fewer than \(count) \(kind) records in \(data.path) after \(timeout)")
        }
    }
}

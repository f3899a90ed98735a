import Foundation
import Glibc
import Testing

extension Ports {
    static let crashJournal = 26_500
}

extension Integration {
    /// The crash journal end to end: every call the provider answered has exactly one CDR after kill -9 and a
    /// restart, a final one for calls that ended before the kill and a recovered one for calls up when it came.
    @Suite("crash journal end to end")
    struct CrashJournalEndToEndTests {
        /// Long calls, up when the node is killed.
        static let calls = 10
        /// Short calls, ended (BYE) before the kill: their final CDRs must not be doubled by recovered ones.
        static let shortCalls = 5

        @Test
        func killWithCallsUpThenRestartRecoversEveryAnsweredCall() async throws {
            let base = Ports.crashJournal
            let directory = try TemporaryDirectory(prefix: "crash-journal")
            let config = NodeConfig(sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)])
            let first = try await NodeProcess.start(config, in: directory)
            let data = first.dataDirectory
            let provider = try await SippProcess.startServer(
                "uas-long",
                SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: Self.calls + Self.shortCalls, timeLimitSeconds: 60),
                in: directory
            )
            // Calls placed at once by a sipp customer on `port`.
            func placeCalls(_ name: String, _ scenario: String, port: Int, calls: Int) throws -> SippProcess {
                try SippProcess(
                    name,
                    SippOptions(scenario: scenario, localPort: port, remote: "127.0.0.1:\(base)", calls: calls, rate: calls, timeLimitSeconds: 60),
                    in: directory
                )
            }
            // Short calls first, all ended before the long ones start: their sessions enter and leave the journal.
            let shortResult = try await placeCalls("uac-short", "uac_call.xml", port: base + 41, calls: Self.shortCalls).wait(timeout: .seconds(40))
            #expect(shortResult.successfulCalls == Self.shortCalls, "\(shortResult)")
            // Calls held 30 s: every one is still up when the node dies.
            let customer = try placeCalls("uac-long", "uac_long_call.xml", port: base + 40, calls: Self.calls)
            let journalURL = data.appendingPathComponent("journal")
            try await Self.waitForJournal(sessions: Self.calls, at: journalURL)
            // Let sipp's 1 s statistics dump catch up with the answers.
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(await first.kill() == 128 + SIGKILL)
            _ = await customer.stop()
            _ = await provider.stop()
            let providerStats = SippStats.read(directory.file("uas-long-stats.csv"))
            let answeredByProvider = providerStats["IncomingCall(C)"] ?? providerStats["TotalCallCreated"] ?? -1
            #expect(answeredByProvider == Self.calls + Self.shortCalls, "provider stats: \(providerStats)")

            let second = try await NodeProcess.start(config, in: directory, processName: "sipswarm-restarted")
            let secondExit = await second.stop()
            #expect(secondExit == 0, "node stderr:\n\(second.stderrTail)")

            let cdrs = try ChainFile.records(kind: "cdr", in: data).map(\.record)
            #expect(cdrs.count == answeredByProvider, "\(cdrs)")
            #expect(Set(cdrs.compactMap { $0.string("session_id") }).count == cdrs.count, "one CDR per session")
            let bCallIDs = cdrs.compactMap { ($0.fields["b_leg"] as? [String: Any])?["call_id"] as? String }
            #expect(Set(bCallIDs).count == answeredByProvider, "one CDR per provider call: \(bCallIDs)")
            // The short calls' own CDRs, written before the kill; nothing recovered for them.
            let final = cdrs.filter { $0.fields["recovered"] == nil }
            #expect(final.count == Self.shortCalls, "\(cdrs)")
            #expect(final.allSatisfy { $0.string("release_cause") == "normal" && $0.string("released_by") == "customer" }, "\(final)")
            let recoveredCDRs = cdrs.filter { $0.fields["recovered"] != nil }
            #expect(recoveredCDRs.count == Self.calls, "\(cdrs)")
            for cdr in recoveredCDRs {
                #expect((cdr.fields["recovered"] as? Bool) == true, "\(cdr)")
                #expect(cdr.string("release_cause") == "node_failure", "\(cdr)")
                #expect(cdr.string("released_by") == "node", "\(cdr)")
                #expect(cdr.int("final_code") == 200, "\(cdr)")
                #expect((cdr.int("duration_ms") ?? -1) >= 0, "\(cdr)")
            }
            let audit = try ChainFile.records(kind: "audit", in: data).map(\.record)
            let recovered = audit.filter { $0.string("event") == "sessions_recovered" }
            #expect(recovered.count == 1 && recovered.first?.int("count") == Self.calls, "\(audit)")
            let journal = Self.liveSessions(in: journalURL)
            #expect(journal?.sessions == [], "the journal is emptied after recovery: \(journal?.text ?? "none")")

            let verify = try await LedgerTools.sipswarmVerify(data, in: directory)
            #expect(verify.exitCode == 0, "\(verify)")
            let python = try await LedgerTools.pythonVerify(data, in: directory)
            #expect(python.exitCode == 0, "\(python)")
        }

        static func waitForJournal(sessions count: Int, at folder: URL, timeout: Duration = .seconds(20)) async throws {
            let deadline = ContinuousClock.now.advanced(by: timeout)
            var last = ""
            while ContinuousClock.now < deadline {
                if let journal = liveSessions(in: folder) {
                    last = journal.text
                    if journal.sessions.count >= count {
                        return
                    }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw HarnessError("the journal at \(folder.path) never listed \(count) sessions; last: \(last)")
        }

        /// The session ids the journal lists, as docs/cdr-format.md says to read it: the snapshot `live.json`, then
        /// the complete lines of `live.log` when its generation is the snapshot's. Nil while there is no snapshot.
        static func liveSessions(in folder: URL) -> (sessions: [String], text: String)? {
            guard let snapshotData = try? Data(contentsOf: folder.appendingPathComponent("live.json")),
                  let snapshot = try? JSONSerialization.jsonObject(with: snapshotData) as? [String: Any],
                  let entries = snapshot["sessions"] as? [[String: Any]]
            else { return nil }
            var live = Set(entries.compactMap { $0["session_id"] as? String })
            let logData = (try? Data(contentsOf: folder.appendingPathComponent("live.log"))) ?? Data()
            let text = String(decoding: snapshotData + logData, as: UTF8.self)
            var lines = logData.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            lines.removeLast()
            let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
            guard let header = objects.first, header["generation"] as? Int == snapshot["generation"] as? Int else {
                return (live.sorted(), text)
            }
            for object in objects.dropFirst() {
                if let entry = object["answered"] as? [String: Any], let id = entry["session_id"] as? String { live.insert(id) }
                if let id = object["ended"] as? String { live.remove(id) }
            }
            return (live.sorted(), text)
        }
    }
}

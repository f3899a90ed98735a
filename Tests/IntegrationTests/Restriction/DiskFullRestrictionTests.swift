import Foundation
import Glibc
import Testing

extension Ports {
    static let restriction = 26_400
}

/// A 16 MB tmpfs as the data directory, filled during a sipp run: a real ENOSPC, not an injected one.
enum SmallTmpfs {
    /// Whether this process may mount a tmpfs (root, and `mount` works here). CI runs the suite as root.
    static let canMount: Bool = {
        guard getuid() == 0, let directory = try? TemporaryDirectory(prefix: "tmpfs-check") else { return false }
        let target = directory.url.appendingPathComponent("m").path
        try? FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", target]) == 0 else { return false }
        _ = run("/bin/umount", [target])
        return true
    }()

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Writes zeros to `path` until the file system is full (ENOSPC); returns the bytes written.
    static func fill(_ path: String) -> Int {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        while true {
            let written = chunk.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { break }
            total += written
        }
        return total
    }
}

/// A customer that expects `503` with `Retry-After` for its INVITE (sipp exit 0 only then).
enum RefusedCallScenario {
    static let xml = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="uac_expect_503">
          <send retrans="500">
            <![CDATA[

              INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:customer@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: [service] <sip:[service]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 INVITE
              Contact: <sip:customer@[local_ip]:[local_port]>
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
          <recv response="100" optional="true"/>
          <recv response="503">
            <action>
              <ereg regexp="[0-9]+" search_in="hdr" header="Retry-After:" check_it="true" assign_to="retry"/>
              <log message="retry-after [$retry]"/>
            </action>
          </recv>
          <send>
            <![CDATA[

              ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:customer@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              [last_To:]
              Call-ID: [call_id]
              CSeq: 1 ACK
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
        </scenario>
        """

    /// One INVITE from `port`; true when the node answered 503 with a numeric Retry-After.
    static func refused(nodePort: Int, localPort: Int, in directory: TemporaryDirectory, attempt: Int) async throws -> Bool {
        let scenario = directory.file("uac_expect_503.xml")
        if !FileManager.default.fileExists(atPath: scenario.path) {
            try xml.write(to: scenario, atomically: true, encoding: .utf8)
        }
        let child = try ChildProcess(
            name: "uac-503-\(attempt)",
            executable: TestEnvironment.timeoutBinary,
            arguments: [
                "-k", "2", "10", TestEnvironment.sippBinary, "-sf", scenario.path, "127.0.0.1:\(nodePort)",
                "-i", "127.0.0.1", "-p", "\(localPort)", "-m", "1", "-recv_timeout", "3000", "-nostdin",
                "-trace_logs", "-log_file", directory.file("uac-503-\(attempt).log").path,
            ],
            directory: directory.url,
            ownsProcessGroup: true
        )
        return await child.waitForExit(timeout: .seconds(15)) == 0
    }
}

extension Integration {
    /// The real fault: ENOSPC on the data directory during a sipp run.
    @Suite struct DiskFullRestrictionTests {
        /// The wall clock in µs, as the node's records stamp time.
        static func nowMicros() -> Int64 {
            Int64(Date().timeIntervalSince1970 * 1_000_000)
        }

        // Mounting needs root; CI runs the suite as root. Elsewhere the test is skipped, visibly, by this trait.
        @Test(
            "a full data directory restricts the node, drains its calls, and freeing space resumes it",
            .enabled(if: SmallTmpfs.canMount, "cannot mount a tmpfs here (needs root): the disk-full restriction test is skipped"),
            .timeLimit(.minutes(2))
        )
        func fullDiskRestrictsAndFreeSpaceResumes() async throws {
            let base = Ports.restriction
            let directory = try TemporaryDirectory(prefix: "restriction")
            let data = directory.url.appendingPathComponent("data", isDirectory: true)
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try #require(SmallTmpfs.run("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", data.path]) == 0)
            // Lazy, so it succeeds even if a child still holds a file open after a failed expectation.
            defer { SmallTmpfs.run("/bin/umount", ["-l", data.path]) }

            let node = try await NodeProcess.start(
                NodeConfig(sipPort: base, providers: [.init(id: "p1", port: base + 20, priority: 1)]),
                in: directory
            )
            let provider = try await SippProcess.startServer(
                "uas-p1", SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: 1_000, timeLimitSeconds: 60), in: directory
            )
            // Three long calls, ended only by the node: each waits up to 10 s for a BYE.
            let longCalls = try SippProcess(
                "uac-long",
                SippOptions(scenario: "uac_bye_from_peer.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: 3, rate: 10, timeLimitSeconds: 30),
                in: directory
            )
            // Short calls keep records coming, so the writer meets the full disk.
            let shortCalls = try SippProcess(
                "uac-short",
                SippOptions(scenario: "uac_call.xml", localPort: base + 41, remote: "127.0.0.1:\(base)", calls: 40, rate: 20, timeLimitSeconds: 30),
                in: directory
            )
            try await Task.sleep(for: .milliseconds(800))

            let filler = data.appendingPathComponent("filler").path
            let fillStartMicros = Self.nowMicros()
            let filled = SmallTmpfs.fill(filler)
            #expect(filled > 8 * 1024 * 1024, "the filler should take most of the 16 MB")
            let fullAt = ContinuousClock.now
            let fullAtMicros = Self.nowMicros()

            // New calls get 503 + Retry-After within a few harvest cycles (plus sipp start-up).
            var refusedAfter: Duration?
            for attempt in 0..<20 {
                if try await RefusedCallScenario.refused(nodePort: base, localPort: base + 50 + attempt, in: directory, attempt: attempt) {
                    refusedAfter = ContinuousClock.now - fullAt
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let refusal = try #require(refusedAfter, "no 503 while the disk was full\n\(node.stderrTail)")
            #expect(refusal < .seconds(5))
            #expect(node.stderrTail.contains("CDR restriction started"))

            // Active calls were ended by the node with BYE: the long-call customer saw all three.
            let long = await longCalls.wait(timeout: .seconds(20))
            #expect(long.successfulCalls == 3, "\(long)")
            let short = await shortCalls.wait(timeout: .seconds(30))

            // Free the space: held records are written, the node leaves restriction and takes calls again.
            try FileManager.default.removeItem(atPath: filler)
            var accepted = false
            for attempt in 0..<20 {
                let call = try SippProcess(
                    "uac-after-\(attempt)",
                    SippOptions(scenario: "uac_call.xml", localPort: base + 80 + attempt, remote: "127.0.0.1:\(base)", calls: 1, rate: 1, timeLimitSeconds: 10),
                    in: directory
                )
                if await call.wait(timeout: .seconds(15)).successfulCalls == 1 {
                    accepted = true
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(accepted, "the node did not accept calls after space was freed\n\(node.stderrTail)")
            #expect(node.stderrTail.contains("CDR restriction ended"))

            let exit = await node.stop()
            #expect(exit == 0, "\(node.stderrTail)")
            _ = await provider.stop()

            // Every call the customers saw answered has its CDR; the three long ones (and short calls that were up
            // at that moment) say why they ended.
            let cdrs = try node.cdrs()
            let drained = cdrs.filter { $0.string("release_cause") == "restriction" }
            #expect(drained.count >= 3, "CDRs with release_cause restriction: \(drained.count)")
            let answered = cdrs.filter { $0.string("answer_us") != nil || $0.int("answer_us") != nil }
            #expect(answered.count >= 3 + short.successfulCalls + 1)
            let audits = try ChainFile.records(kind: "audit", in: data).map(\.record)
            let events = audits.compactMap { $0.string("event") }
            #expect(events.contains("restriction_started"))
            #expect(events.contains("restriction_ended"))
            // Restriction within three harvest cycles of the disk filling up: the short calls' records meet the full
            // disk within a cycle (100 ms), a failed write is retried after at most one cycle, and the third failure
            // (the audit record's time) restricts. A second is the bound; the 503 check above includes sipp's start.
            let started = try #require(audits.first { $0.string("event") == "restriction_started" }, "\(audits)")
            #expect(started.int("failures") == 3, "\(started)")
            let startedMicros = Int64(try #require(started.int("time_us"), "\(started)"))
            #expect(startedMicros > fillStartMicros, "restriction began before the disk was filled: \(started)")
            #expect(
                startedMicros - fullAtMicros < 1_000_000,
                "restriction began \(startedMicros - fullAtMicros) µs after the disk was full (3 cycles = 300 ms)"
            )

            let verify = try await LedgerTools.sipswarmVerify(data, in: directory)
            #expect(verify.exitCode == 0, "\(verify.stdout)\(verify.stderr)")
        }
    }
}

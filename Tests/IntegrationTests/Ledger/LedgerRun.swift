import Foundation
import Testing

/// The data directory of one sipp run through the node: one failover call, then 100 answered
/// calls, then SIGTERM. The tests that only read it (or tamper with copies) share it.
struct LedgerRunResult: Sendable {
    static let calls = 100

    let directory: TemporaryDirectory
    let dataDirectory: URL
}

actor LedgerRun {
    static let shared = LedgerRun()

    private var run: Task<LedgerRunResult, any Error>?

    func result() async throws -> LedgerRunResult {
        if let run {
            return try await run.value
        }
        let started = Task { try await Self.make() }
        run = started
        return try await started.value
    }

    private static func make() async throws -> LedgerRunResult {
        let base = Ports.ledgerRun
        let directory = try TemporaryDirectory(prefix: "ledger-run")
        // A 1 s checkpoint interval gives several checkpoints during the run, not only the final one.
        let node = try await NodeProcess.start(
            NodeConfig(
                sipPort: base,
                providers: [.init(id: "p1", port: base + 20, priority: 1), .init(id: "p2", port: base + 21, priority: 2)],
                checkpointIntervalSeconds: 1
            ),
            in: directory
        )

        let rejecting = try await SippProcess.startServer(
            "uas-p1-503", SippOptions(scenario: "uas_503.xml", localPort: base + 20, calls: 1, timeLimitSeconds: 30), in: directory
        )
        let answering = try await SippProcess.startServer(
            "uas-p2", SippOptions(scenario: "uas_answer.xml", localPort: base + 21, calls: 1, timeLimitSeconds: 30), in: directory
        )
        let failoverCall = try SippProcess(
            "uac-failover",
            SippOptions(scenario: "uac_call.xml", localPort: base + 40, remote: "127.0.0.1:\(base)", calls: 1, rate: 1, timeLimitSeconds: 30),
            in: directory
        )
        let failoverResult = await failoverCall.wait()
        _ = await finish(rejecting)
        _ = await finish(answering)

        let provider = try await SippProcess.startServer(
            "uas-p1",
            SippOptions(scenario: "uas_answer.xml", localPort: base + 20, calls: LedgerRunResult.calls, timeLimitSeconds: 90),
            in: directory
        )
        let customer = try SippProcess(
            "uac",
            SippOptions(
                scenario: "uac_call.xml", localPort: base + 41, remote: "127.0.0.1:\(base)",
                calls: LedgerRunResult.calls, rate: 50, timeLimitSeconds: 90
            ),
            in: directory
        )
        let customerResult = await customer.wait()
        _ = await finish(provider)
        let nodeExit = await node.stop()

        guard failoverResult.exitCode == 0, customerResult.successfulCalls == LedgerRunResult.calls, nodeExit == 0 else {
            throw HarnessError(
                "the run that feeds the ledger tests failed; node exit \(nodeExit.map(String.init) ?? "none")\n"
                    + "\(failoverResult)\n\(customerResult)\nnode stderr:\n\(node.stderrTail)"
            )
        }
        return LedgerRunResult(directory: directory, dataDirectory: node.dataDirectory)
    }
}

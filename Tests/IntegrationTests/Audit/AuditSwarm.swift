import Foundation
import Glibc

/// Nodes of one audit test on loopback (ports 28000-28199), each with its own folder, key, SIP port and admin
/// port, configured as each other's `[[peers]]`.
final class AuditSwarm {
    struct Member {
        let id: String
        let directory: TemporaryDirectory
        let sipPort: Int
        let auditPort: Int
        let providerPort: Int
        let customerPort: Int
        let publicKey: String
        var dataDirectory: URL { directory.url.appendingPathComponent("data", isDirectory: true) }
        var configURL: URL { directory.file("node.toml") }
    }

    let members: [Member]
    let publishInterval: String
    let silentAfterIntervals: Int
    private(set) var processes: [String: NodeProcess] = [:]

    /// Members `ids`, member `i` on ports `base + 20 i` (SIP), `+2` (admin plane), `+5` (its provider), `+10` (its customer).
    init(base: Int, ids: [String], publishInterval: String = "0.5", silentAfterIntervals: Int = 1000) async throws {
        var members: [Member] = []
        for (index, id) in ids.enumerated() {
            let directory = try TemporaryDirectory(prefix: "audit-\(id)")
            let data = directory.url.appendingPathComponent("data", isDirectory: true)
            let shown = try await LedgerTools.keyShow(data, in: directory)
            guard shown.exitCode == 0 else { throw HarnessError("key show failed: \(shown)") }
            let port = base + 20 * index
            members.append(Member(
                id: id, directory: directory, sipPort: port, auditPort: port + 2, providerPort: port + 5, customerPort: port + 10,
                publicKey: shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            ))
        }
        self.members = members
        self.publishInterval = publishInterval
        self.silentAfterIntervals = silentAfterIntervals
    }

    func member(_ id: String) -> Member {
        members.first { $0.id == id } ?? members[0]
    }

    func config(for member: Member) -> NodeConfig {
        var audit = """
            [audit]
            listen = ["tcp:127.0.0.1:\(member.auditPort)"]
            publish_interval_s = \(publishInterval)
            silent_after_intervals = \(silentAfterIntervals)

            """
        for peer in members where peer.id != member.id {
            audit += """

                [[peers]]
                id = "\(peer.id)"
                uri = "sip:audit@127.0.0.1:\(peer.auditPort);transport=tcp"
                public_key = "\(peer.publicKey)"

                """
        }
        return NodeConfig(
            nodeID: member.id, sipPort: member.sipPort,
            providers: [NodeConfig.Provider(id: "p1", port: member.providerPort, priority: 1)],
            extraTOML: audit, checkpointIntervalSeconds: 1
        )
    }

    @discardableResult
    func start(_ id: String, processName: String? = nil) async throws -> NodeProcess {
        let member = member(id)
        let node = try await NodeProcess.start(config(for: member), in: member.directory, processName: processName ?? "sipswarm-\(id)")
        processes[id] = node
        return node
    }

    func stop(_ id: String) async {
        await processes[id]?.stop()
        processes[id] = nil
    }

    func stopAll() async {
        for id in processes.keys.sorted() { await stop(id) }
    }

    /// `calls` answered calls through member `id` (its own sipp customer and provider).
    func runCalls(through id: String, calls: Int) async throws -> SippResult {
        let member = member(id)
        let provider = try await SippProcess.startServer(
            "uas-\(id)", SippOptions(scenario: "uas_answer.xml", localPort: member.providerPort, calls: calls, timeLimitSeconds: 60), in: member.directory
        )
        let customer = try SippProcess(
            "uac-\(id)",
            SippOptions(scenario: "uac_call.xml", localPort: member.customerPort, remote: "127.0.0.1:\(member.sipPort)", calls: calls, rate: 10, timeLimitSeconds: 60),
            in: member.directory
        )
        let result = await customer.wait()
        _ = await finish(provider)
        return result
    }

    /// What `witness` holds for `peer` (its `DATA/witness/<peer>.json`), parsed.
    func witnessed(by witness: String, peer: String) -> [String: Any]? {
        let url = member(witness).dataDirectory.appendingPathComponent("witness/\(peer).json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// The checkpoint line `witness` holds for `peer`.
    func heldCheckpoint(by witness: String, peer: String) -> String? {
        (witnessed(by: witness, peer: peer)?["state"] as? [String: Any])?["latest"] as? String
    }

    /// The `chains.<kind>.size` of a checkpoint line.
    static func size(_ kind: String, in checkpointLine: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(checkpointLine.utf8)) as? [String: Any],
              let chains = object["chains"] as? [String: Any], let chain = chains[kind] as? [String: Any]
        else { return nil }
        return chain["size"] as? Int
    }

    /// Every checkpoint line member `id` wrote.
    func checkpointLines(of id: String) throws -> Set<String> {
        let folder = member(id).dataDirectory.appendingPathComponent("checkpoint")
        var lines: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".jsonl") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") { lines.insert(String(line)) }
        }
        return lines
    }

    /// `audit_alert` records member `id` wrote about `peer`.
    func alerts(recordedBy id: String, about peer: String) throws -> [JSONRecord] {
        try JSONRecord.readAll(in: member(id).dataDirectory.appendingPathComponent("audit"), kind: "audit")
            .filter { $0.string("event") == "audit_alert" && $0.string("peer") == peer }
    }

    /// `sipswarm audit status --config … --json` of member `id`, parsed by peer.
    func status(of id: String) async throws -> [String: [String: Any]] {
        let member = member(id)
        let run = try await LedgerTools.run(
            "audit-status", TestEnvironment.sipswarmBinary,
            ["audit", "status", "--config", member.configURL.path, "--data-dir", member.dataDirectory.path, "--json"], in: member.directory
        )
        guard run.exitCode == 0, let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
              let peers = object["peers"] as? [[String: Any]]
        else { throw HarnessError("audit status failed: \(run)") }
        var byPeer: [String: [String: Any]] = [:]
        for peer in peers { if let id = peer["peer"] as? String { byPeer[id] = peer } }
        return byPeer
    }

    /// Polls `condition` until it holds or `timeout` passes (a deadline, not a sleep).
    static func eventually(_ timeout: Duration = .seconds(45), _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }
}

import Foundation
import Testing

extension Integration {
    /// Issue 7: nodes witness each other's checkpoints over the admin plane (docs/audit.md). Real `sipswarm serve`
    /// processes and sipp on loopback, ports 28000-28199; publish interval 0.5 s, checkpoints every second.
    @Suite("swarm audit")
    struct SwarmAuditTests {
        static let kinds = ["cdr", "attempt"]

        @Test
        func threeNodesWitnessEachOthersLatestSizesAndAuditStatusAgrees() async throws {
            let swarm = try await AuditSwarm(base: 28_000, ids: ["na", "nb", "nc"])
            for member in swarm.members { try await swarm.start(member.id) }
            let calls = ["na": 4, "nb": 6, "nc": 3]
            for (id, count) in calls.sorted(by: { $0.key < $1.key }) {
                let result = try await swarm.runCalls(through: id, calls: count)
                #expect(result.successfulCalls == count, "\(result)")
            }
            // Every node holds a checkpoint of every other that the other really wrote, covering all its CDRs.
            let held = try await AuditSwarm.eventually {
                for witness in swarm.members {
                    for peer in swarm.members where peer.id != witness.id {
                        guard let line = swarm.heldCheckpoint(by: witness.id, peer: peer.id),
                              AuditSwarm.size("cdr", in: line) == calls[peer.id],
                              try swarm.checkpointLines(of: peer.id).contains(line)
                        else { return false }
                    }
                }
                return true
            }
            #expect(held, "\(swarm.members.map { "\($0.id): \(String(describing: swarm.witnessed(by: $0.id, peer: $0.id == "na" ? "nb" : "na")))" })")
            for witness in swarm.members {
                let status = try await swarm.status(of: witness.id)
                #expect(status.count == 2)
                for peer in swarm.members where peer.id != witness.id {
                    let line = try #require(status[peer.id], "\(witness.id) status lacks \(peer.id): \(status)")
                    #expect(line["state"] as? String == "ok", "\(witness.id) → \(peer.id): \(line)")
                    #expect((line["sizes"] as? [String: Any])?["cdr"] as? Int == calls[peer.id])
                    #expect((line["checkpoint_seq"] as? Int ?? 0) >= 1)
                    #expect(line["alert_count"] as? Int == 0)
                }
                for peer in swarm.members where peer.id != witness.id {
                    #expect(try swarm.alerts(recordedBy: witness.id, about: peer.id).isEmpty)
                }
            }
            await swarm.stopAll()
        }

        @Test
        func aRewrittenCDRIsCaughtByBothPeersAfterRestart() async throws {
            let swarm = try await AuditSwarm(base: 28_060, ids: ["ta", "tb", "tc"])
            for member in swarm.members { try await swarm.start(member.id) }
            let result = try await swarm.runCalls(through: "ta", calls: 5)
            #expect(result.successfulCalls == 5, "\(result)")
            let witnessed = await AuditSwarm.eventually {
                ["tb", "tc"].allSatisfy { swarm.heldCheckpoint(by: $0, peer: "ta").flatMap { AuditSwarm.size("cdr", in: $0) } == 5 }
            }
            try #require(witnessed, "peers never held ta's 5 CDRs")
            await swarm.stop("ta")
            let honest = ["tb": swarm.heldCheckpoint(by: "tb", peer: "ta"), "tc": swarm.heldCheckpoint(by: "tc", peer: "ta")]

            // A consistent-looking forgery: the third CDR rewritten, every later hash and prev_hash recomputed.
            let forged = try await LedgerTools.runPython(
                #"""
                import os, glob
                folder = sys.argv[1]
                files = sorted(f for f in glob.glob(folder + '/*.jsonl'))
                path = files[0]
                lines = open(path, 'rb').read().split(b'\n')[:-1]
                records = [v.parse(l) for l in lines]
                records[2]['id'] = 'forged-' + records[2]['id'][7:]
                previous = records[1]['hash']
                for r in records[2:]:
                    r['prev_hash'] = previous
                    r['hash'] = v.record_hash(r)
                    previous = r['hash']
                open(path, 'wb').write(b''.join(v.canonical(r) + b'\n' for r in records))
                for manifest in glob.glob(path + '.manifest.json'):
                    os.remove(manifest)
                print(len(records))
                """#,
                [swarm.member("ta").dataDirectory.appendingPathComponent("cdr").path],
                in: swarm.member("ta").directory
            )
            try #require(forged.exitCode == 0, "\(forged)")
            #expect(forged.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "5")

            try await swarm.start("ta", processName: "sipswarm-ta-forged")
            let caught = try await AuditSwarm.eventually {
                try ["tb", "tc"].allSatisfy { witness in
                    try swarm.alerts(recordedBy: witness, about: "ta").contains { ["inconsistent", "equivocation"].contains($0.string("alert") ?? "") }
                }
            }
            #expect(caught, "ta's forged history was not caught by both peers")
            // The first publication after the restart carries the forged roots: each peer's alert follows ta's
            // node_started within a few intervals (15 s of slack for a loaded CI machine; on an idle one it is < 1 s).
            let restarted = try JSONRecord.readAll(in: swarm.member("ta").dataDirectory.appendingPathComponent("audit"), kind: "audit")
                .filter { $0.string("event") == "node_started" }.compactMap { $0.int("time_us") }.max() ?? 0
            for witness in ["tb", "tc"] {
                let alertTime = try swarm.alerts(recordedBy: witness, about: "ta").compactMap { $0.int("time_us") }.min() ?? .max
                #expect(alertTime >= restarted && alertTime - restarted <= 15_000_000, "\(witness): alert \(alertTime - restarted) µs after ta's restart")
            }
            for witness in ["tb", "tc"] {
                // What each peer held of the honest history stays, and the refused checkpoint is kept as evidence.
                #expect(swarm.heldCheckpoint(by: witness, peer: "ta") == honest[witness] ?? nil)
                let evidence = swarm.member(witness).dataDirectory.appendingPathComponent("witness/ta.evidence")
                #expect(!(try FileManager.default.contentsOfDirectory(atPath: evidence.path)).isEmpty)
                let status = try await swarm.status(of: witness)
                #expect(status["ta"]?["state"] as? String == "alerted", "\(status)")
                #expect(status["ta"]?["checkpoint_seq"] as? Int == AuditSwarm.seq(of: honest[witness] ?? nil))
            }
            await swarm.stopAll()
        }

        @Test
        func forgedAndStrangePublicationsAreRefused() async throws {
            let swarm = try await AuditSwarm(base: 28_120, ids: ["fa", "fb"])
            for member in swarm.members { try await swarm.start(member.id) }
            let witnessed = await AuditSwarm.eventually { swarm.heldCheckpoint(by: "fb", peer: "fa") != nil }
            try #require(witnessed)
            // fa stops, so what fb holds of it stays put while forgeries arrive.
            await swarm.stop("fa")
            let fileBefore = try Data(contentsOf: swarm.member("fb").dataDirectory.appendingPathComponent("witness/fa.json"))
            let held = try #require(swarm.heldCheckpoint(by: "fb", peer: "fa"))
            let port = swarm.member("fb").auditPort

            // 1. A well-formed publication from an address no peer has: 403, and nothing changes.
            let honestBody = try await Self.forge(held, mode: "same", swarm: swarm)
            let stranger = try RawSIPExchange.send(RawSIPExchange.publish(body: honestBody.body, node: "fa", port: port, via: "127.0.0.2"), toPort: port, from: "127.0.0.2")
            #expect(stranger.hasPrefix("SIP/2.0 403"), "\(stranger)")
            #expect(try Data(contentsOf: swarm.member("fb").dataDirectory.appendingPathComponent("witness/fa.json")) == fileBefore)
            #expect(try swarm.alerts(recordedBy: "fb", about: "fa").isEmpty)

            // 2. A bad signature from fa's address: 403, the witnessed state unchanged, an alert.
            let badSignature = try await Self.forge(held, mode: "badsig", swarm: swarm)
            let refused = try RawSIPExchange.send(RawSIPExchange.publish(body: badSignature.body, node: "fa", port: port, via: "127.0.0.1"), toPort: port, from: "127.0.0.1")
            #expect(refused.hasPrefix("SIP/2.0 403"), "\(refused)")
            #expect(swarm.heldCheckpoint(by: "fb", peer: "fa") == held)
            let badSignatureAlerted = try await AuditSwarm.eventually(.seconds(30)) {
                try swarm.alerts(recordedBy: "fb", about: "fa").contains { $0.string("alert") == "bad_signature" }
            }
            #expect(badSignatureAlerted)

            // 3. Equivocation: signed with fa's real key, another root for a size fb already witnessed.
            let equivocation = try await Self.forge(held, mode: "equivocate", swarm: swarm)
            let answer = try RawSIPExchange.send(RawSIPExchange.publish(body: equivocation.body, node: "fa", port: port, via: "127.0.0.1"), toPort: port, from: "127.0.0.1")
            #expect(answer.hasPrefix("SIP/2.0 488"), "\(answer)")
            #expect(swarm.heldCheckpoint(by: "fb", peer: "fa") == held)
            let alerted = try await AuditSwarm.eventually(.seconds(30)) {
                try swarm.alerts(recordedBy: "fb", about: "fa").contains { $0.string("alert") == "equivocation" }
            }
            #expect(alerted)
            let record = try #require(try swarm.alerts(recordedBy: "fb", about: "fa").first { $0.string("alert") == "equivocation" })
            #expect(record.string("held_checkpoint") == held)
            #expect(record.string("offered_checkpoint") == equivocation.line)
            let evidenceFolder = swarm.member("fb").dataDirectory.appendingPathComponent("witness/fa.evidence")
            let evidence = try FileManager.default.contentsOfDirectory(atPath: evidenceFolder.path).filter { $0.contains("equivocation") }
            #expect(evidence.count == 1)
            let kept = try String(contentsOf: evidenceFolder.appendingPathComponent(evidence.first ?? ""), encoding: .utf8)
            #expect(kept.contains(Self.jsonEscaped(held)) && kept.contains(Self.jsonEscaped(equivocation.line)))
            await swarm.stopAll()
        }

        /// A publication body for fa's checkpoint `held` in one of three forms: `same` (as is), `badsig` (signature
        /// flipped, hash recomputed), `equivocate` (another audit root at the same size, signed with fa's real key).
        static func forge(_ held: String, mode: String, swarm: AuditSwarm) async throws -> (line: String, body: [UInt8]) {
            let member = swarm.member("fa")
            let output = member.directory.file("forged-\(mode).json")
            let run = try await LedgerTools.runPython(
                #"""
                import base64
                line, mode, key_path, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
                cp = v.parse(line.encode())
                if mode == 'badsig':
                    signature = bytearray(base64.b64decode(cp['signature']))
                    signature[5] ^= 0x01
                    cp['signature'] = base64.b64encode(bytes(signature)).decode()
                elif mode == 'equivocate':
                    cp['chains']['audit']['root'] = 'ab' * 32
                    seed = base64.b64decode(open(key_path).read().strip())
                    unsigned = {k: x for k, x in cp.items() if k not in ('hash', 'signature')}
                    cp['signature'] = base64.b64encode(v.ed25519_sign(seed, v.canonical(unsigned))[1]).decode()
                cp['hash'] = v.record_hash(cp)
                forged = v.canonical(cp).decode()
                proofs = {k: {'from_size': c['size'], 'path': [], 'to_size': c['size']} for k, c in cp['chains'].items()}
                open(out, 'wb').write(v.canonical({'checkpoint': forged, 'proofs': proofs}))
                print(forged)
                """#,
                [held, mode, member.dataDirectory.appendingPathComponent("keys/node-ed25519.key").path, output.path],
                in: member.directory
            )
            guard run.exitCode == 0 else { throw HarnessError("forging failed: \(run)") }
            return (run.stdout.trimmingCharacters(in: .whitespacesAndNewlines), Array(try Data(contentsOf: output)))
        }

        static func jsonEscaped(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
    }
}

extension AuditSwarm {
    /// The `seq` of a checkpoint line.
    static func seq(of line: String?) -> Int? {
        guard let line, let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return object["seq"] as? Int
    }
}

import Node
import Testing
@testable import sipswarm

private let base = MinimalConfiguration.toml

// 32 bytes of 0x01, base64.
private let key = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="

private func peer(_ id: String = "n2", uri: String = "sip:audit@127.0.0.1:5072;transport=tcp", publicKey: String = key) -> String {
    "\n[[peers]]\nid = \"\(id)\"\nuri = \"\(uri)\"\npublic_key = \"\(publicKey)\"\n"
}

@Suite struct AuditConfigurationTests {
    @Test func auditIsOffWithoutEitherSection() throws {
        #expect(try ConfigurationLoader.load(tomlString: base, fileName: "test.toml").audit == nil)
    }

    @Test func peersAloneTurnAuditOnWithDefaults() throws {
        let audit = try #require(try ConfigurationLoader.load(tomlString: base + peer(), fileName: "test.toml").audit)
        #expect(audit.listen == [ListenAddress(transport: .tcp, host: "127.0.0.1", port: 5062)])
        #expect(audit.publishInterval == .seconds(60))
        #expect(audit.eventPackage == "sipswarm-checkpoint")
        #expect(audit.silentAfterIntervals == 3)
        #expect(audit.reconcileTolerance == .milliseconds(1000))
        #expect(audit.peers == [
            PeerSettings(id: "n2", uri: "sip:audit@127.0.0.1:5072;transport=tcp", host: "127.0.0.1", port: 5072, transport: .tcp, publicKey: Array(repeating: 1, count: 32)),
        ])
    }

    @Test func everyAuditKeyIsRead() throws {
        let text = base + """

            [audit]
            listen = ["tcp:127.0.0.1:6062", "udp:127.0.0.1:6062"]
            publish_interval_s = 0.5
            event_package = "x-audit"
            silent_after_intervals = 5
            reconcile_tolerance_ms = 250
            """ + peer(uri: "sip:audit@[::1]:6000")
        let audit = try #require(try ConfigurationLoader.load(tomlString: text, fileName: "test.toml").audit)
        #expect(audit.listen.count == 2)
        #expect(audit.publishInterval == .milliseconds(500))
        #expect(audit.eventPackage == "x-audit")
        #expect(audit.silentAfterIntervals == 5)
        #expect(audit.reconcileTolerance == .milliseconds(250))
        #expect(audit.peers.first?.host == "::1")
        #expect(audit.peers.first?.transport == .udp)
        #expect(audit.silenceThreshold == .milliseconds(2500))
    }

    @Test(arguments: [
        ("[audit]\nlisten = [\"tcp:127.0.0.1\"]\n", "audit.listen[0]"),
        ("[audit]\nlisten = [\"udp:127.0.0.1:5060\"]\n", "audit.listen[0]"),
        ("[audit]\npublish_interval_s = 0.01\n", "audit.publish_interval_s"),
        ("[audit]\npublish_interval_s = \"60\"\n", "audit.publish_interval_s"),
        ("[audit]\nevent_package = \"a b\"\n", "audit.event_package"),
        ("[audit]\nsilent_after_intervals = 0\n", "audit.silent_after_intervals"),
        ("[audit]\nreconcile_tolerance_ms = -1\n", "audit.reconcile_tolerance_ms"),
        ("[audit]\npublish_interval = 60\n", "audit.publish_interval"),
        (peer(uri: "sip:audit@peer.example.com:5062"), "peers[0].uri"),
        (peer(uri: "mailto:x"), "peers[0].uri"),
        (peer(uri: "sip:audit@127.0.0.1:5062;transport=sctp"), "peers[0].uri"),
        (peer(publicKey: "AQID"), "peers[0].public_key"),
        (peer("n1"), "peers[0].id"),
        (peer("a.b"), "peers[0].id"),
        (peer() + peer(), "peers[1].id"),
        ("\n[[peers]]\nid = \"n2\"\nuri = \"sip:audit@127.0.0.1\"\n", "peers[0].public_key"),
        ("\n[[peers]]\nid = \"n2\"\nuri = \"sip:audit@127.0.0.1\"\npublic_key = \"\(key)\"\nkey = 1\n", "peers[0].key"),
    ])
    func badValuesAreRefusedWithTheirKeyPath(section: String, keyPath: String) {
        do {
            _ = try ConfigurationLoader.load(tomlString: base + "\n" + section, fileName: "test.toml")
            Issue.record("expected an error for \(section)")
        } catch {
            #expect(error.description.hasPrefix("test.toml: \(keyPath): "), "\(error)")
        }
    }
}

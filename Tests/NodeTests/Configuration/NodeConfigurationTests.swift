import Node
import Testing

@Suite struct NodeConfigurationTests {
    private func provider(_ id: String, priority: Int) -> ProviderTrunk {
        ProviderTrunk(id: id, host: "127.0.0.1", port: 5080, transport: .udp, priority: priority)
    }

    @Test func orderedProvidersSortsByPriorityAndKeepsFileOrderOnTies() {
        var configuration = NodeConfiguration.loopbackDefault
        configuration.providers = [
            self.provider("late", priority: 5),
            self.provider("tieA", priority: 1),
            self.provider("zero", priority: 0),
            self.provider("tieB", priority: 1),
            self.provider("tieC", priority: 1),
        ]
        #expect(configuration.orderedProviders.map(\.id) == ["zero", "tieA", "tieB", "tieC", "late"])
    }

    @Test func loopbackDefaultTriesP1ThenP2() {
        let configuration = NodeConfiguration.loopbackDefault
        #expect(configuration.nodeID == "node1")
        #expect(configuration.orderedProviders.map(\.id) == ["p1", "p2"])
        #expect(configuration.orderedProviders.map(\.port) == [5080, 5081])
        #expect(configuration.listen.map(\.description) == ["udp:127.0.0.1:5060", "tcp:127.0.0.1:5060"])
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.customer(for: "127.0.0.1")?.id == "c1")
        #expect(configuration.customer(for: "127.0.0.2") == nil)
    }

    @Test func customerLookupPrefersTheLongestPrefix() throws {
        var configuration = NodeConfiguration.loopbackDefault
        configuration.customers = [
            CustomerTrunk(id: "wide", addresses: [try AddressPrefix(parsing: "10.0.0.0/8")]),
            CustomerTrunk(id: "narrow", addresses: [try AddressPrefix(parsing: "10.1.0.0/16")]),
            CustomerTrunk(id: "v6", addresses: [try AddressPrefix(parsing: "::1")]),
        ]
        #expect(configuration.customer(for: "10.1.2.3")?.id == "narrow")
        #expect(configuration.customer(for: "10.2.0.1")?.id == "wide")
        #expect(configuration.customer(for: "::1")?.id == "v6")
        #expect(configuration.customer(for: "192.0.2.1") == nil)
        #expect(configuration.customers[0].matches("10.1.2.3"))
        #expect(!configuration.customers[1].matches("10.2.0.1"))
    }

    @Test func sipDefaults() {
        let sip = SIPSettings()
        #expect(sip.t1 == .milliseconds(500))
        #expect(sip.t2 == .seconds(4))
        #expect(sip.t4 == .seconds(5))
        #expect(sip.providerTimeout == .seconds(32))
        #expect(sip.ringTimeout == .seconds(120))
        #expect(sip.maxMessageBytes == 65535)
        #expect(sip.maxHeaders == 256)
        #expect(sip.maxLineBytes == 8192)
        #expect(sip.sessionExpires == .seconds(1800))
        #expect(sip.minSessionExpires == .seconds(90))
        #expect(sip.userAgent == "SIPswarm")
    }
}

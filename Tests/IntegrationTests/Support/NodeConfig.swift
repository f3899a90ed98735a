/// The parts of a node's TOML configuration the integration tests vary.
struct NodeConfig {
    struct Provider {
        var id: String
        var port: Int
        var transport: String = "udp"
        var priority: Int
    }

    var nodeID = "it1"
    /// The node's SIP port, used for both its UDP and its TCP listener.
    var sipPort: Int
    var customerAddresses = ["127.0.0.1/32"]
    var providers: [Provider]
    /// `[ledger] checkpoint_interval_s`; nil leaves the section out (the node's default).
    var checkpointIntervalSeconds: Int? = nil

    func toml(dataDirectory: String) -> String {
        var text = """
            [node]
            id = "\(nodeID)"
            listen = ["udp:127.0.0.1:\(sipPort)", "tcp:127.0.0.1:\(sipPort)"]
            data_dir = "\(dataDirectory)"

            [[customers]]
            id = "c1"
            addresses = [\(customerAddresses.map { "\"\($0)\"" }.joined(separator: ", "))]

            """
        for provider in providers {
            text += """

                [[providers]]
                id = "\(provider.id)"
                address = "127.0.0.1:\(provider.port)"
                transport = "\(provider.transport)"
                priority = \(provider.priority)

                """
        }
        if let checkpointIntervalSeconds {
            text += """

                [ledger]
                checkpoint_interval_s = \(checkpointIntervalSeconds)

                """
        }
        return text
    }
}

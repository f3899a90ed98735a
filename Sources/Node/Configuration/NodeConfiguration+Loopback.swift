extension NodeConfiguration {
    /// The content of `examples/loopback.toml`: `node1` on 127.0.0.1:5060 UDP+TCP, customer `c1`, providers `p1` then `p2`.
    public static let loopbackDefault = NodeConfiguration(
        nodeID: "node1",
        listen: [
            ListenAddress(transport: .udp, host: "127.0.0.1", port: 5060),
            ListenAddress(transport: .tcp, host: "127.0.0.1", port: 5060),
        ],
        customers: [
            CustomerTrunk(id: "c1", addresses: [AddressPrefix(ipv4: 127, 0, 0, 1, prefixLength: 32)])
        ],
        providers: [
            ProviderTrunk(id: "p1", host: "127.0.0.1", port: 5080, transport: .udp, priority: 1),
            ProviderTrunk(id: "p2", host: "127.0.0.1", port: 5081, transport: .udp, priority: 2),
        ]
    )
}

/// The smallest configuration the loader accepts (a node, one customer, one provider), which the section tests extend
/// with the section they are about.
enum MinimalConfiguration {
    static let toml = """
        [node]
        id = "n1"
        listen = ["udp:127.0.0.1:5060"]

        [[customers]]
        id = "c1"
        addresses = ["127.0.0.1"]

        [[providers]]
        id = "p1"
        address = "127.0.0.1:5080"

        """
}

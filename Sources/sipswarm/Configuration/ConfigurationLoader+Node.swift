import Node

// `[node]`: identity, sockets, data directory, session and drain limits.
extension ConfigurationLoader {
    static let nodeKeys = ["id", "listen", "data_dir", "max_session_duration_s", "drain_timeout_s"]

    struct NodeSection {
        var id: String
        var listen: [ListenAddress]
        var dataDirectory: String
        var maxSessionDuration: Duration
        var drainTimeout: Duration
    }

    // Timers are bounded so that no arithmetic on them downstream can overflow.
    static let maxSeconds = 31_536_000

    static func decodeNode(_ reader: inout TOMLTableReader) throws(ConfigurationError) -> NodeSection {
        let id = try reader.requiredString("id")
        try Self.validateIdentifier(id, at: reader.keyPath("id"), reader: reader)

        guard let listenEntries = try reader.stringArray("listen") else {
            throw reader.missing("listen", expected: "array of \"transport:host:port\" strings")
        }
        let listen = try Self.decodeListenEntries(listenEntries, key: "listen", reader: reader)

        let dataDirectory = try reader.string("data_dir") ?? NodeConfiguration.defaultDataDirectory
        guard !dataDirectory.isEmpty, !dataDirectory.utf8.contains(0) else {
            throw reader.error(.invalidValue, at: reader.keyPath("data_dir"), "must be a non-empty path")
        }
        let maxSession = try reader.int(
            "max_session_duration_s",
            default: Int(NodeConfiguration.defaultMaxSessionDuration.components.seconds),
            in: 1...Self.maxSeconds,
            unit: "seconds"
        )
        let drain = try reader.int(
            "drain_timeout_s",
            default: Int(NodeConfiguration.defaultDrainTimeout.components.seconds),
            in: 1...Self.maxSeconds,
            unit: "seconds"
        )
        try reader.finish()
        return NodeSection(
            id: id,
            listen: listen,
            dataDirectory: dataDirectory,
            maxSessionDuration: .seconds(maxSession),
            drainTimeout: .seconds(drain)
        )
    }

    // Ids end up in record ids (`<node>.<kind>.<seq>`), file names and NATS subjects:
    // no dots, spaces or wildcards.
    static func validateIdentifier(_ id: String, at keyPath: String, reader: TOMLTableReader) throws(ConfigurationError) {
        let allowed = id.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_": true
            default: false
            }
        }
        guard !id.isEmpty, id.utf8.count <= 64, allowed else {
            throw reader.error(
                .invalidValue,
                at: keyPath,
                "must be 1-64 characters of A-Z, a-z, 0-9, '-', '_', got \(quoted(id))"
            )
        }
    }
}

import Node

// `[audit]` (the admin SIP plane and publish cadence) and `[[peers]]` (the nodes that witness each other);
// both optional, and audit is off unless one of them is present. docs/audit.md says what the values do.
extension ConfigurationLoader {
    static let auditKeys = ["listen", "publish_interval_s", "event_package", "silent_after_intervals", "reconcile_tolerance_ms"]
    static let peerKeys = ["id", "uri", "public_key"]

    // Below 0.1 s a loaded machine publishes nothing but checkpoints; above a day a peer is not watched.
    static let publishIntervalSecondsRange = 0.1...86_400.0
    static let silentAfterIntervalsRange = 1...1000
    static let reconcileToleranceMillisecondsRange = 0...3_600_000

    static func decodeAudit(
        _ auditReader: inout TOMLTableReader?,
        peers peerReaders: [TOMLTableReader]?,
        nodeID: String,
        nodeListen: [ListenAddress]
    ) throws(ConfigurationError) -> AuditSettings? {
        guard auditReader != nil || peerReaders != nil else { return nil }
        let defaults = AuditSettings()
        var settings = defaults
        if var reader = auditReader {
            settings.listen = try Self.decodeAuditListen(&reader, nodeListen: nodeListen) ?? defaults.listen
            if let seconds = try reader.number("publish_interval_s") {
                guard Self.publishIntervalSecondsRange.contains(seconds) else {
                    throw reader.error(.invalidValue, at: reader.keyPath("publish_interval_s"), "must be between 0.1 and 86400 seconds, got \(seconds)")
                }
                settings.publishInterval = .milliseconds(Int64((seconds * 1000).rounded()))
            }
            if let package = try reader.string("event_package") {
                guard Self.isEventToken(package) else {
                    throw reader.error(
                        .invalidValue, at: reader.keyPath("event_package"),
                        "must be 1-64 characters of A-Z, a-z, 0-9 and -.!%*_+`'~ (an RFC 6665 event token), got \(quoted(package))"
                    )
                }
                settings.eventPackage = package
            }
            settings.silentAfterIntervals = try reader.int(
                "silent_after_intervals", default: defaults.silentAfterIntervals, in: Self.silentAfterIntervalsRange, unit: "intervals"
            )
            let tolerance = try reader.int(
                "reconcile_tolerance_ms", default: Int(defaults.reconcileTolerance.components.seconds) * 1000,
                in: Self.reconcileToleranceMillisecondsRange, unit: "milliseconds"
            )
            settings.reconcileTolerance = .milliseconds(tolerance)
            try reader.finish()
        }
        for var reader in peerReaders ?? [] {
            let id = try reader.requiredString("id")
            try Self.validateIdentifier(id, at: reader.keyPath("id"), reader: reader)
            guard id != nodeID else {
                throw reader.error(.invalidValue, at: reader.keyPath("id"), "is this node's own id; a node does not witness itself")
            }
            guard settings.peer(id: id) == nil else {
                throw reader.error(.duplicateID, at: reader.keyPath("id"), "peer id \(quoted(id)) is already used")
            }
            let uri = try reader.requiredString("uri")
            let key = try reader.requiredString("public_key")
            do {
                settings.peers.append(try PeerSettings(id: id, uri: uri, publicKeyBase64: key))
            } catch {
                switch error.field {
                case .uri: throw reader.error(.invalidValue, at: reader.keyPath("uri"), error.reason)
                case .publicKey: throw reader.error(.invalidValue, at: reader.keyPath("public_key"), error.reason)
                }
            }
            try reader.finish()
        }
        return settings
    }

    // Same entries as `[node] listen`; a socket of the B2BUA cannot also be the admin plane's.
    private static func decodeAuditListen(
        _ reader: inout TOMLTableReader,
        nodeListen: [ListenAddress]
    ) throws(ConfigurationError) -> [ListenAddress]? {
        guard let entries = try reader.stringArray("listen") else { return nil }
        return try Self.decodeListenEntries(entries, key: "listen", reader: reader, taken: nodeListen, takenBy: "[node] listen")
    }

    /// `"transport:host:port"` entries (`[node] listen`, `[audit] listen`): at least one, none twice, none in `taken`.
    static func decodeListenEntries(
        _ entries: [(value: String, keyPath: String)],
        key: String,
        reader: TOMLTableReader,
        taken: [ListenAddress] = [],
        takenBy: String = ""
    ) throws(ConfigurationError) -> [ListenAddress] {
        guard !entries.isEmpty else {
            throw reader.error(.invalidValue, at: reader.keyPath(key), "must list at least one address")
        }
        var listen: [ListenAddress] = []
        for entry in entries {
            let address: ListenAddress
            do {
                address = try ListenAddress(parsing: entry.value)
            } catch {
                throw reader.error(.invalidValue, at: entry.keyPath, error.reason)
            }
            guard !listen.contains(address) else {
                throw reader.error(.duplicateID, at: entry.keyPath, "\(quoted(entry.value)) is listed twice")
            }
            guard !taken.contains(address) else {
                throw reader.error(.duplicateID, at: entry.keyPath, "\(quoted(entry.value)) is already a \(takenBy) socket; each needs its own")
            }
            listen.append(address)
        }
        return listen
    }

    // RFC 6665 §8.4 `token` characters, bounded.
    private static func isEventToken(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 64 else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "!", "%", "*", "_", "+", "`", "'", "~": true
            default: false
            }
        }
    }
}

import Foundation

/// Where one record stream goes (`[streams.<kind>] backend`).
public enum StreamBackendChoice: String, Sendable, Hashable, CaseIterable {
    /// The local stream directory `DATA/streams/<kind>/`; no server.
    case local
    /// A NATS JetStream stream (`[nats]`).
    case jetstream
    /// Not streamed.
    case none
}

/// One stream's selection (`[streams.<kind>]`).
public struct StreamSelection: Sendable, Hashable {
    /// The backend.
    public var backend: StreamBackendChoice
    /// JetStream stream name (`stream`).
    public var stream: String
    /// JetStream subject (`subject`); `{node}` stands for the node id, so nodes sharing a stream keep apart.
    public var subject: String

    /// A selection.
    public init(backend: StreamBackendChoice, stream: String, subject: String) {
        self.backend = backend
        self.stream = stream
        self.subject = subject
    }

    /// The subject for `nodeID`: `{node}` replaced.
    public func subject(nodeID: String) -> String {
        subject.replacingOccurrences(of: StreamSettings.nodePlaceholder, with: nodeID)
    }

    /// The subject the stream is created with: `{node}` as `*`, so one stream takes every node's records.
    public var streamSubject: String {
        subject.replacingOccurrences(of: StreamSettings.nodePlaceholder, with: "*")
    }
}

/// The record streams (`[streams.*]`) and the NATS connection they may use (`[nats]`).
public struct StreamSettings: Sendable, Hashable {
    /// The streams, in configuration order: `cdr`, `attempt`, `audit`, `bidlog`, `ratesync`.
    public static let kinds = ["cdr", "attempt", "audit", "bidlog", "ratesync"]
    /// Stands for the node id in a subject.
    public static let nodePlaceholder = "{node}"

    /// Selection per kind; every kind of `kinds` is present.
    public var selections: [String: StreamSelection]
    /// The NATS connection (`[nats]`), used by `jetstream` streams.
    public var nats: NATSSettings

    /// The default selection of `kind`: `local` for the record chains, `none` for `ratesync` (not implemented
    /// yet); stream `SIPSWARM_<KIND>`, subject `sipswarm.{node}.<kind>`.
    public static func defaultSelection(for kind: String) -> StreamSelection {
        StreamSelection(
            backend: kind == "ratesync" ? .none : .local,
            stream: "SIPSWARM_" + kind.uppercased(),
            subject: "sipswarm.\(nodePlaceholder).\(kind)"
        )
    }

    /// Settings; kinds missing from `selections` get their default.
    public init(selections: [String: StreamSelection] = [:], nats: NATSSettings = NATSSettings()) {
        var all: [String: StreamSelection] = [:]
        for kind in Self.kinds {
            all[kind] = selections[kind] ?? Self.defaultSelection(for: kind)
        }
        self.selections = all
        self.nats = nats
    }

    /// The selection of `kind` (the default for an unknown kind).
    public func selection(for kind: String) -> StreamSelection {
        selections[kind] ?? Self.defaultSelection(for: kind)
    }
}

import Ledger
public import Records

/// What `sipswarm audit status` shows about every configured peer, read from `DATA/witness/` (the node need not
/// be running).
public struct AuditStatusReport: Sendable, Equatable {
    /// A peer's state, in the order an operator should look at them.
    public enum State: String, Sendable, Equatable {
        /// At least one alert (other than silence) was raised about the peer: look at its evidence.
        case alerted
        /// Heard before, but not for longer than `silent_after_intervals` publish intervals.
        case silent
        /// No checkpoint of the peer was ever witnessed.
        case neverHeard = "never heard"
        /// Witnessing normally.
        case ok
    }

    /// One peer's line.
    public struct Peer: Sendable, Equatable {
        public var id: String
        public var state: State
        /// `seq` of the last witnessed checkpoint in the peer's checkpoint chain.
        public var checkpointSeq: UInt64?
        /// Its chain sizes, by kind.
        public var sizes: [String: UInt64]
        /// Its `time_us`.
        public var checkpointMicros: Int64?
        /// When the peer last published a readable checkpoint.
        public var lastHeardMicros: Int64?
        /// Checkpoints accepted so far.
        public var acceptedCount: UInt64
        /// Alerts raised (silence not counted), and the last one's code.
        public var alertCount: UInt64
        public var lastAlert: String?
        /// Set when the witness file could not be read.
        public var problem: String?
    }

    /// Every configured peer, in configuration order.
    public var peers: [Peer]

    /// Reads the witness files of `settings.peers` under `dataDirectory`, judged at `nowMicros`.
    public init(settings: AuditSettings, dataDirectory: String, nowMicros: Int64) {
        let store = WitnessStore(dataDirectory: dataDirectory)
        let threshold = settings.silenceThreshold.components
        let thresholdMicros = threshold.seconds * 1_000_000 + threshold.attoseconds / 1_000_000_000_000
        peers = settings.peers.map { peer in
            let file: WitnessFile
            do {
                file = try store.load(peerID: peer.id)
            } catch {
                return Peer(id: peer.id, state: .alerted, sizes: [:], acceptedCount: 0, alertCount: 0, problem: "\(error)")
            }
            let latest = file.state.latest
            let state: State
            if file.alertCount > 0 {
                state = .alerted
            } else if latest == nil && file.lastHeardMicros == nil {
                state = .neverHeard
            } else if let heard = file.lastHeardMicros, nowMicros - heard > thresholdMicros {
                state = .silent
            } else {
                state = .ok
            }
            return Peer(
                id: peer.id, state: state, checkpointSeq: latest?.seq, sizes: file.state.heldSizes, checkpointMicros: latest?.timeMicros,
                lastHeardMicros: file.lastHeardMicros, acceptedCount: file.state.acceptedCount, alertCount: file.alertCount,
                lastAlert: file.lastAlert
            )
        }
    }

    /// The report as canonical JSON (`--json`).
    public func canonicalJSON() -> CanonicalJSON {
        .object([
            "peers": .array(peers.map { peer in
                .object(omittingNil: [
                    "peer": .string(peer.id),
                    "state": .string(peer.state.rawValue),
                    "checkpoint_seq": peer.checkpointSeq.map { .integer(Int64(clamping: $0)) },
                    "sizes": .object(peer.sizes.mapValues { .integer(Int64(clamping: $0)) }),
                    "checkpoint_time_us": peer.checkpointMicros.map { .integer($0) },
                    "last_heard_us": peer.lastHeardMicros.map { .integer($0) },
                    "accepted_count": .integer(Int64(clamping: peer.acceptedCount)),
                    "alert_count": .integer(Int64(clamping: peer.alertCount)),
                    "last_alert": peer.lastAlert.map { .string($0) },
                    "problem": peer.problem.map { .string($0) },
                ])
            }),
        ])
    }

    /// One line per peer for people.
    public func text() -> String {
        var lines = ["peer  state  checkpoint  sizes  time  last heard  alerts"]
        for peer in peers {
            let sizes = peer.sizes.keys.sorted().map { "\($0)=\(peer.sizes[$0] ?? 0)" }.joined(separator: ",")
            let time = peer.checkpointMicros.map { UTCTimestamp.compact(microseconds: $0) } ?? "-"
            let heard = peer.lastHeardMicros.map { UTCTimestamp.compact(microseconds: $0) } ?? "-"
            let alerts = peer.alertCount == 0 ? "0" : "\(peer.alertCount) (last \(peer.lastAlert ?? "?"))"
            var line = "\(peer.id)  \(peer.state.rawValue)  \(peer.checkpointSeq.map { "seq \($0)" } ?? "-")  \(sizes.isEmpty ? "-" : sizes)  \(time)  \(heard)  \(alerts)"
            if let problem = peer.problem { line += "  (\(problem))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

import Ledger
public import Logging
public import Records

/// This node as witness of its peers: judges each admitted checkpoint PUBLISH with `WitnessJudge`, persists what
/// it accepted before answering, records acceptances in the `audit` chain, keeps evidence of refusals, raises
/// alerts, and watches for peers that fall silent.
///
/// An actor because publications from all peers, the silence check and external alerts (reconcile) must see and
/// change one peer's state one at a time; the file writes it does are small and rare (one per peer per interval).
public actor PeerWitness {
    private let directory: PeerDirectory
    private let store: WitnessStore
    private let records: any AuditRecordEmitting
    private let alerter: AuditAlerter
    private let clock: any MicrosecondClock
    private let logger: Logger
    private let silenceThresholdMicros: Int64
    private let startedMicros: Int64
    private var files: [String: WitnessFile] = [:]
    // One alert per refused checkpoint: a peer resending the same bad checkpoint every interval is one event.
    private var alerted: Set<String> = []
    private var silent: Set<String> = []

    /// A witness of `directory`'s peers over the data directory's `witness/` folder.
    public init(
        directory: PeerDirectory,
        store: WitnessStore,
        records: any AuditRecordEmitting,
        alerter: AuditAlerter,
        silenceThreshold: Duration,
        clock: any MicrosecondClock = SystemMicrosecondClock(),
        logger: Logger
    ) {
        self.directory = directory
        self.store = store
        self.records = records
        self.alerter = alerter
        self.clock = clock
        self.logger = logger
        let (seconds, attoseconds) = silenceThreshold.components
        self.silenceThresholdMicros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        self.startedMicros = clock.nowMicroseconds()
    }

    /// What is held for `peerID` now.
    public func file(of peerID: String) throws(AuditStoreError) -> WitnessFile {
        if let cached = files[peerID] { return cached }
        let loaded = try store.load(peerID: peerID)
        files[peerID] = loaded
        return loaded
    }

    /// Judges a publication body from `peer` (already admitted by source address and `X-BF-Node`).
    public func publish(body: [UInt8], contentType: String?, ifMatch: String?, from peer: PeerSettings) -> PublishAnswer {
        var current: WitnessFile
        do {
            current = try file(of: peer.id)
        } catch {
            // Without the held state nothing can be judged; refusing keeps the peer's publisher retrying.
            logger.error("witness file unreadable", metadata: ["peer": "\(peer.id)", "error": "\(error)"])
            return .notAcceptable("witness state unreadable")
        }
        guard contentType?.lowercased().hasPrefix(CheckpointPublication.contentType) == true else {
            return .unsupportedMediaType
        }
        let now = clock.nowMicroseconds()
        let publication: CheckpointPublication
        do {
            publication = try CheckpointPublication(body: body)
        } catch {
            refuse(.malformed(error.reason), peer: peer.id, offered: nil, body: body, file: &current, now: now)
            return .notAcceptable(error.reason)
        }
        // RFC 3903 §6: a refresh conditional on an entity tag that is not the current one fails with 412.
        if let ifMatch, ifMatch != AuditWire.entityTag(of: current.state.latest), publication.checkpoint.line != current.state.latest?.line {
            hear(peer.id, file: &current, now: now)
            return .conditionFailed(WitnessAcknowledgement(current.state))
        }
        switch WitnessJudge.judge(publication, for: current.state, peerKey: peer.publicKey) {
        case .accepted(let state):
            current.state = state
            current.lastAcceptedMicros = now
            hear(peer.id, file: &current, now: now)
            // Durable before the peer hears 200 and before the audit chain says so.
            guard persist(&current, peer: peer.id) else { return .notAcceptable("witness state could not be stored") }
            records.emitAudit([
                "event": .string("peer_checkpoint_accepted"),
                "peer": .string(peer.id),
                "checkpoint": .string(publication.checkpoint.line),
                "seq": .integer(Int64(clamping: publication.checkpoint.seq)),
                "sizes": .object(publication.checkpoint.sizes.mapValues { .integer(Int64(clamping: $0)) }),
                "time_us": .integer(now),
            ])
            return .ok(WitnessAcknowledgement(state), entityTag: AuditWire.entityTag(of: state.latest))
        case .unchanged:
            hear(peer.id, file: &current, now: now)
            return .ok(WitnessAcknowledgement(current.state), entityTag: AuditWire.entityTag(of: current.state.latest))
        case .proofsFromOtherSizes(let held):
            hear(peer.id, file: &current, now: now)
            return .conditionFailed(WitnessAcknowledgement(held: held, seq: current.state.latest?.seq ?? 0))
        case .rejected(let alert):
            refuse(alert, peer: peer.id, offered: publication.checkpoint, body: body, file: &current, now: now)
            switch alert {
            case .badSignature, .wrongNode:
                return .forbidden(AuditAlert(alert, peer: peer.id).reason)
            case .inconsistent, .equivocation, .shrank, .malformed:
                return .notAcceptable(AuditAlert(alert, peer: peer.id).reason)
            }
        }
    }

    /// Raises `silent` for every peer unheard for longer than the threshold (once per silence).
    public func checkSilence() {
        let now = clock.nowMicroseconds()
        for peer in directory.peers where !silent.contains(peer.id) {
            let heard = (try? file(of: peer.id))?.lastHeardMicros
            let since = max(heard ?? startedMicros, startedMicros)
            guard now - since > silenceThresholdMicros else { continue }
            silent.insert(peer.id)
            let reason = heard == nil
                ? "no checkpoint heard since this node started \((now - startedMicros) / 1000) ms ago"
                : "no checkpoint heard for \((now - since) / 1000) ms"
            var details: [String: CanonicalJSON] = [:]
            if let heard { details["last_heard_us"] = .integer(heard) }
            alerter.raise(AuditAlert(code: "silent", peer: peer.id, reason: reason, details: details))
        }
    }

    /// Raises an alert found outside PUBLISH (a reconcile mismatch) and counts it in the peer's witness file.
    public func raise(_ alert: AuditAlert, evidence document: [String: CanonicalJSON]? = nil) {
        let now = clock.nowMicroseconds()
        var evidence: String?
        if let document {
            evidence = try? store.keepEvidence(document, peerID: alert.peer, code: alert.code, timeMicros: now)
        }
        if directory.peer(id: alert.peer) != nil, var current = try? file(of: alert.peer) {
            current.alertCount += 1
            current.lastAlert = alert.code
            current.lastAlertMicros = now
            _ = persist(&current, peer: alert.peer)
        }
        alerter.raise(alert, evidence: evidence)
    }

    // The peer spoke with a checkpoint we could read: silence is over (and re-armed), and the time is kept.
    private func hear(_ peerID: String, file current: inout WitnessFile, now: Int64) {
        silent.remove(peerID)
        current.lastHeardMicros = now
        _ = persist(&current, peer: peerID)
    }

    private func refuse(_ alert: WitnessAlert, peer peerID: String, offered: CheckpointStatement?, body: [UInt8], file current: inout WitnessFile, now: Int64) {
        let fingerprint = alert.code + ":" + (offered.map { $0.hash.hex } ?? String(LedgerHash.sha256(body).hex))
        guard alerted.insert(fingerprint).inserted else { return }
        var document: [String: CanonicalJSON] = [
            "alert": .string(alert.code),
            "peer": .string(peerID),
            "time_us": .integer(now),
            "publication": .string(String(decoding: body, as: UTF8.self)),
        ]
        if let held = current.state.latest { document["held_checkpoint"] = .string(held.line) }
        if let offered { document["offered_checkpoint"] = .string(offered.line) }
        var evidence: String?
        do {
            evidence = try store.keepEvidence(document, peerID: peerID, code: alert.code, timeMicros: now)
        } catch {
            logger.error("evidence could not be written", metadata: ["peer": "\(peerID)", "error": "\(error)"])
        }
        current.alertCount += 1
        current.lastAlert = alert.code
        current.lastAlertMicros = now
        _ = persist(&current, peer: peerID)
        alerter.raise(AuditAlert(alert, peer: peerID), evidence: evidence)
    }

    private func persist(_ current: inout WitnessFile, peer peerID: String) -> Bool {
        files[peerID] = current
        do {
            try store.save(current)
            return true
        } catch {
            logger.error("witness file could not be written", metadata: ["peer": "\(peerID)", "error": "\(error)"])
            return false
        }
    }
}

import NIOCore
import Records
import RecordStore

/// The crash journal (docs/cdr-format.md, "Recovered CDRs"): every harvest interval the engine hands the sink the
/// answered sessions still up, so that a node killed mid-call leaves enough to write their CDRs at the next start.
extension NodeEngine {
    /// The answered voice sessions live now, ordered by session id.
    func journalSnapshot() -> [LiveSessionJournalEntry] {
        activeSessions.values.compactMap { session -> LiveSessionJournalEntry? in
            guard session.isInvite, session.phase == .answered || session.phase == .confirmed,
                  let answer = session.cdr.answerMicros
            else { return nil }
            let attempt = session.cdr.answeringAttempt
            return LiveSessionJournalEntry(
                sessionID: session.id,
                nodeID: configuration.nodeID,
                customerID: session.customer.id,
                providerID: attempt?.providerID,
                setupMicros: session.cdr.setupMicros,
                answerMicros: answer,
                aCallID: session.aCallID,
                bCallID: attempt?.bCallID,
                destination: attempt?.destination
            )
        }
        .sorted { $0.sessionID < $1.sessionID }
    }

    /// Hands the current snapshot to the sink.
    func publishJournal() {
        sink.updateJournal(journalSnapshot())
    }

    /// Starts the repeating journal task on the engine's event loop (once; the node calls it at start).
    func startJournal() {
        guard journalTask == nil else { return }
        let interval = TimeAmount(duration: configuration.records.harvestInterval)
        let engine = NIOLoopBound(WeakEngine(engine: self), eventLoop: eventLoop)
        journalTask = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            engine.value.engine?.publishJournal()
        }
    }

    /// Cancels the journal task and hands over a last snapshot (empty once every session has ended).
    func stopJournal() {
        journalTask?.cancel()
        journalTask = nil
        publishJournal()
    }
}

/// Lets the repeating task reach the engine without keeping it alive.
struct WeakEngine {
    weak var engine: NodeEngine?
}

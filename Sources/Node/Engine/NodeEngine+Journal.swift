import NIOCore
import Records
import RecordStore

/// The crash journal (docs/cdr-format.md, "Recovered CDRs"): the engine tells the sink which answered sessions
/// start and end, once per harvest interval, so that a node killed mid-call leaves enough to write their CDRs at
/// the next start.
///
/// Only changes travel: an answered voice session is added when it is answered and removed when it ends. Handing
/// over every live session each interval cost the node a third of a core with 5,000 calls held (and rewrote a
/// 1.4 MB file ten times a second), growing with every call up.
extension NodeEngine {
    /// `session` was answered: an answered voice session joins the journal.
    func journalAnswered(_ session: B2BUASession) {
        guard session.isInvite, let answer = session.cdr.answerMicros,
              !journaledSessionIDs.contains(session.id)
        else { return }
        let attempt = session.cdr.answeringAttempt
        journaledSessionIDs.insert(session.id)
        journalChanges.append(
            .answered(
                LiveSessionJournalEntry(
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
            )
        )
    }

    /// `session` ended (its records are emitted): it leaves the journal.
    func journalEnded(_ session: B2BUASession) {
        guard journaledSessionIDs.remove(session.id) != nil else { return }
        journalChanges.append(.ended(sessionID: session.id))
    }

    /// Hands the changes since the last call to the sink (none is news too: the journal's time moves on).
    func publishJournal() {
        let changes = journalChanges
        journalChanges.removeAll(keepingCapacity: true)
        sink.updateJournal(changes)
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

    /// Cancels the journal task and hands over the last changes.
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

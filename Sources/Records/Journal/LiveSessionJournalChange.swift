/// One change of the crash journal's set of live sessions, as the node hands it to the writer and as the writer
/// appends it to `DATA/journal/live.log` (one canonical JSON object a line, docs/cdr-format.md).
public enum LiveSessionJournalChange: Sendable, Equatable {
    /// An answered voice session joins the journal.
    case answered(LiveSessionJournalEntry)
    /// A journaled session ended; its CDR is on disk before this change is.
    case ended(sessionID: String)

    /// The change as one log line's object: `{"answered":{…}}` or `{"ended":"<session_id>"}`.
    public func canonicalJSON() -> CanonicalJSON {
        switch self {
        case .answered(let entry): .object(["answered": entry.canonicalJSON()])
        case .ended(let sessionID): .object(["ended": .string(sessionID)])
        }
    }
}

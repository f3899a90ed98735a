/// One change of the crash journal's set of live sessions, as the node hands it to the writer and as the writer
/// appends it to `DATA/journal/live.log` (one canonical JSON object a line, docs/cdr-format.md).
public enum LiveSessionJournalChange: CanonicalBlockValue {
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

    /// The members of `canonicalJSON()`, written without building it (the record writer's path, `CanonicalLines`).
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        switch self {
        case .answered(let entry): writer.member("answered", object: entry)
        case .ended(let sessionID): writer.member("ended", sessionID)
        }
    }

    /// Reads a change back from its log line's object; nil when the object is not one.
    public init?(canonicalJSON value: CanonicalJSON) {
        guard case .object(let fields) = value, fields.count == 1, let (key, member) = fields.first else { return nil }
        switch (key, member) {
        case ("answered", let object):
            guard let entry = LiveSessionJournalEntry(canonicalJSON: object) else { return nil }
            self = .answered(entry)
        case ("ended", .string(let sessionID)):
            self = .ended(sessionID: sessionID)
        default:
            return nil
        }
    }

    /// Applies the change to a live set keyed by session id.
    public func apply(to live: inout [String: LiveSessionJournalEntry]) {
        switch self {
        case .answered(let entry): live[entry.sessionID] = entry
        case .ended(let sessionID): live[sessionID] = nil
        }
    }
}

/// One answered, still live session as the node journals it every harvest interval (`DATA/journal/live.json`),
/// so that a crash does not lose the call: at the next start, a journaled session without a CDR gets a
/// recovered one (release cause `node_failure`).
public struct LiveSessionJournalEntry: CanonicalBlockValue {
    /// The node's session id (the CDR's `session_id`).
    public let sessionID: String
    /// The node that carries the session.
    public let nodeID: String
    /// The originating carrier.
    public let customerID: String
    /// The provider of the answering attempt; nil when unknown.
    public let providerID: String?
    /// When the INVITE arrived, UTC µs.
    public let setupMicros: Int64
    /// When the call was answered, UTC µs.
    public let answerMicros: Int64
    /// The customer leg's Call-ID.
    public let aCallID: String
    /// The answering provider leg's Call-ID; nil when unknown.
    public let bCallID: String?
    /// Where the answering attempt was sent (the attempt record's `destination`); nil when unknown.
    public let destination: String?

    /// Creates an entry.
    public init(
        sessionID: String,
        nodeID: String,
        customerID: String,
        providerID: String?,
        setupMicros: Int64,
        answerMicros: Int64,
        aCallID: String,
        bCallID: String?,
        destination: String? = nil
    ) {
        self.sessionID = sessionID
        self.nodeID = nodeID
        self.customerID = customerID
        self.providerID = providerID
        self.setupMicros = setupMicros
        self.answerMicros = answerMicros
        self.aCallID = aCallID
        self.bCallID = bCallID
        self.destination = destination
    }

    /// The entry as canonical JSON (absent optionals omitted).
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "session_id": .string(sessionID),
            "node": .string(nodeID),
            "customer_id": .string(customerID),
            "provider_id": providerID.map(CanonicalJSON.string),
            "setup_us": .integer(setupMicros),
            "answer_us": .integer(answerMicros),
            "a_call_id": .string(aCallID),
            "b_call_id": bCallID.map(CanonicalJSON.string),
            "destination": destination.map(CanonicalJSON.string),
        ])
    }

    /// The members of `canonicalJSON()` in canonical (sorted) order, written without building it.
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        writer.member("a_call_id", aCallID)
        writer.member("answer_us", answerMicros)
        writer.member("b_call_id", bCallID)
        writer.member("customer_id", customerID)
        writer.member("destination", destination)
        writer.member("node", nodeID)
        writer.member("provider_id", providerID)
        writer.member("session_id", sessionID)
        writer.member("setup_us", setupMicros)
    }

    /// Reads an entry back from its canonical JSON; nil when a required field is missing or mistyped.
    public init?(canonicalJSON value: CanonicalJSON) {
        guard case .object(let fields) = value,
              case .string(let sessionID)? = fields["session_id"],
              case .string(let nodeID)? = fields["node"],
              case .string(let customerID)? = fields["customer_id"],
              case .integer(let setup)? = fields["setup_us"],
              case .integer(let answer)? = fields["answer_us"],
              case .string(let aCallID)? = fields["a_call_id"]
        else { return nil }
        var providerID: String?
        if case .string(let value)? = fields["provider_id"] { providerID = value }
        var bCallID: String?
        if case .string(let value)? = fields["b_call_id"] { bCallID = value }
        var destination: String?
        if case .string(let value)? = fields["destination"] { destination = value }
        self.init(
            sessionID: sessionID, nodeID: nodeID, customerID: customerID, providerID: providerID,
            setupMicros: setup, answerMicros: answer, aCallID: aCallID, bCallID: bCallID, destination: destination
        )
    }
}

/// The journal's snapshot (`DATA/journal/live.json`): `{"generation": g, "sessions": [...], "time_us": now}`.
public struct LiveSessionJournal: Sendable, Equatable {
    /// When the node last knew these sessions live, UTC µs.
    public let timeMicros: Int64
    /// The answered sessions live at that time.
    public let sessions: [LiveSessionJournalEntry]
    /// Counts the snapshots written: the change log that continues this snapshot carries the same number.
    /// Snapshots written before the log existed have none and read as 0.
    public let generation: Int64

    /// Creates a snapshot.
    public init(timeMicros: Int64, sessions: [LiveSessionJournalEntry], generation: Int64 = 0) {
        self.timeMicros = timeMicros
        self.sessions = sessions
        self.generation = generation
    }

    /// The snapshot as canonical JSON.
    public func canonicalJSON() -> CanonicalJSON {
        .object([
            "generation": .integer(generation),
            "time_us": .integer(timeMicros),
            "sessions": .array(sessions.map { $0.canonicalJSON() }),
        ])
    }

    /// Reads a snapshot back; nil when it is not one.
    public init?(canonicalJSON value: CanonicalJSON) {
        guard case .object(let fields) = value, case .integer(let time)? = fields["time_us"],
              case .array(let items)? = fields["sessions"]
        else { return nil }
        var generation: Int64 = 0
        if let value = fields["generation"] {
            guard case .integer(let number) = value else { return nil }
            generation = number
        }
        var sessions: [LiveSessionJournalEntry] = []
        for item in items {
            guard let entry = LiveSessionJournalEntry(canonicalJSON: item) else { return nil }
            sessions.append(entry)
        }
        self.init(timeMicros: time, sessions: sessions, generation: generation)
    }
}

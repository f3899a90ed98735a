/// Everything one finished session emits: its CDR and its attempts in order.
public struct SessionRecords: Sendable, Equatable {
    /// The session's CDR.
    public let cdr: CallDetailRecord
    /// The session's attempts, attempt 1 first.
    public let attempts: [AttemptRecord]

    /// Creates the records of one session.
    public init(cdr: CallDetailRecord, attempts: [AttemptRecord]) {
        self.cdr = cdr
        self.attempts = attempts
    }

    /// How many records this is (the CDR plus its attempts).
    public var recordCount: Int {
        1 + attempts.count
    }
}

/// Everything one finished session emits: its CDR, its attempts in order and its bid rounds.
public struct SessionRecords: Sendable, Equatable {
    /// The session's CDR.
    public let cdr: CallDetailRecord
    /// The session's attempts, attempt 1 first.
    public let attempts: [AttemptRecord]
    /// The session's bid rounds in the order they ended (none for carriers that do not negotiate).
    public let bidLog: [BidLogRecord]

    /// Creates the records of one session.
    public init(cdr: CallDetailRecord, attempts: [AttemptRecord], bidLog: [BidLogRecord] = []) {
        self.cdr = cdr
        self.attempts = attempts
        self.bidLog = bidLog
    }

    /// How many records this is (the CDR, its attempts and its bid rounds).
    public var recordCount: Int {
        1 + attempts.count + bidLog.count
    }
}

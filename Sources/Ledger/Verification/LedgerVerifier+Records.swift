extension LedgerVerifier {
    /// Streams the records of `kind` in chain order, each passing checks 1 and 2 of the format, and stops after
    /// `limit` records; returns how many were streamed.
    ///
    /// Meant for reading the data directory of a running node: records beyond `limit` are never read, and a torn
    /// last line (a record being appended right now) ends the stream instead of failing it (when that line is the
    /// first of a file, the files cannot be ordered and nothing is streamed: the caller sees too few records and
    /// may ask again). Any other damage is thrown as the verifier reports it.
    @discardableResult
    public func forEachRecord(
        kind: String, limit: UInt64 = .max,
        _ body: (_ line: UnsafeBufferPointer<UInt8>, _ seq: UInt64, _ hash: LedgerHash) -> Void
    ) throws(LedgerVerificationFailure) -> UInt64 {
        guard limit > 0, isDirectory(kind) else { return 0 }
        var count: UInt64 = 0
        do {
            _ = try scanChain(kind: kind, wantedSizes: [], collectObjects: false) { (line, seq, hash) throws(LedgerVerificationFailure) in
                body(line, UInt64(seq), hash)
                count += 1
                if count == limit {
                    throw LedgerVerificationFailure(.streamLimitReached, path: kind, lineNumber: nil, kind: kind, seq: seq, "limit reached")
                }
            }
        } catch {
            guard error.code == .streamLimitReached || error.code == .tornLine else { throw error }
        }
        return count
    }
}

extension LedgerVerificationFailure.Code {
    // Ends `forEachRecord`'s scan early; never leaves this file.
    static let streamLimitReached = Self("streamLimitReached")
}

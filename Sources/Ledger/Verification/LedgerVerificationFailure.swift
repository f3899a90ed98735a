public import Records

/// The first broken place in a data directory: where (file, line, kind, seq) and what is wrong.
public struct LedgerVerificationFailure: Error, Hashable, CustomStringConvertible {
    /// What is wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier for the code.
        public let name: String

        init(_ name: String) {
            self.name = name
        }

        public var description: String { name }

        /// The data directory, a folder or a file could not be read.
        public static let unreadable = Code("unreadable")
        /// The last line of a file has no final `\n` (a torn write recovery did not move aside).
        public static let tornLine = Code("tornLine")
        /// A line is not JSON (or breaks a parser limit).
        public static let invalidJSON = Code("invalidJSON")
        /// A number with a fraction or an exponent: records hold integers only.
        public static let nonIntegerNumber = Code("nonIntegerNumber")
        /// A line is JSON but not an object.
        public static let notAnObject = Code("notAnObject")
        /// A line is JSON but not its canonical form (whitespace, key order, escapes, number form).
        public static let notCanonical = Code("notCanonical")
        /// `node`, `kind`, `seq`, `prev_hash` or `hash` is absent.
        public static let missingField = Code("missingField")
        /// A chain field (or a checkpoint field) has the wrong type or form.
        public static let invalidField = Code("invalidField")
        /// `kind` differs from the folder the record is in.
        public static let wrongKind = Code("wrongKind")
        /// `seq` is not the next number of the chain (a record deleted, duplicated or moved).
        public static let seqMismatch = Code("seqMismatch")
        /// `prev_hash` is not the previous record's `hash`.
        public static let prevHashMismatch = Code("prevHashMismatch")
        /// `hash` is not the SHA-256 of the record without `hash`: the record was altered.
        public static let hashMismatch = Code("hashMismatch")
        /// A checkpoint's Ed25519 signature does not verify with its `public_key`.
        public static let signatureInvalid = Code("signatureInvalid")
        /// A checkpoint is signed by another key than the node's (or than the earlier checkpoints').
        public static let keyMismatch = Code("keyMismatch")
        /// `keys/node-ed25519.pub` exists but does not hold a public key.
        public static let keyFileInvalid = Code("keyFileInvalid")
        /// A checkpoint covers more records of a chain than the chain has (records removed at the end).
        public static let missingRecords = Code("missingRecords")
        /// A checkpoint lists a smaller size for a chain than an earlier checkpoint did (or drops the chain).
        public static let sizeShrank = Code("sizeShrank")
        /// The Merkle root over a chain's first `size` records differs from the checkpoint's `root`.
        public static let rootMismatch = Code("rootMismatch")
        /// Records beyond the last checkpoint: no signature covers them.
        public static let unverified = Code("unverified")
        /// A closed file's manifest is unreadable, malformed, or disagrees with the file it describes (or the file is gone).
        public static let manifestMismatch = Code("manifestMismatch")
    }

    /// What is wrong.
    public let code: Code
    /// The file, relative to the data directory (`cdr/cdr-n1-….jsonl`); a folder or the directory itself when no file applies.
    public let path: String
    /// The 1-based line in `path`, when the failure is about one line.
    public let lineNumber: Int?
    /// The chain (record kind) concerned, when known.
    public let kind: String?
    /// The `seq` written in the broken record, when it could be read.
    public let seq: Int64?
    /// What is wrong, for people.
    public let reason: String
    /// The source file that raised the failure.
    public let file: String
    /// The source line that raised the failure.
    public let line: Int

    /// A failure at `path:lineNumber` in chain `kind`, record `seq`, located at the caller.
    public init(
        _ code: Code, path: String, lineNumber: Int?, kind: String?, seq: Int64?, _ reason: String,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.path = path
        self.lineNumber = lineNumber
        self.kind = kind
        self.seq = seq
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `file:line: kind seq N: what`, the one line `sipswarm verify` prints.
    public var description: String {
        let place = lineNumber.map { "\(path):\($0)" } ?? path
        let seqText = seq.map { String($0) } ?? "?"
        return "\(place): \(kind ?? "?") seq \(seqText): \(reason)"
    }

    /// The failure as a JSON object: code, file, line, kind, seq, reason (absent values omitted).
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "code": .string(code.name),
            "file": .string(path),
            "line": lineNumber.map { .integer($0) },
            "kind": kind.map { .string($0) },
            "seq": seq.map { .integer($0) },
            "reason": .string(reason),
        ])
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.path == rhs.path && lhs.lineNumber == rhs.lineNumber && lhs.kind == rhs.kind && lhs.seq == rhs.seq
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(path)
        hasher.combine(lineNumber)
    }
}

internal import Crypto
internal import Records

/// Where a record is: file (relative to the data directory), 1-based line, and its `seq`.
struct RecordLocation: Sendable, Hashable {
    let path: String
    let lineNumber: Int
    let seq: Int64
}

/// A checkpoint record read during verification.
struct CheckpointEntry: Sendable {
    let location: RecordLocation
    let object: [String: CanonicalJSON]
}

/// What streaming one chain found.
struct ChainScan: Sendable {
    var count: UInt64 = 0
    var files = 0
    var lastHash: LedgerHash?
    /// The Merkle root over the first `size` records, for every size a checkpoint names (and 0).
    var roots: [UInt64: LedgerHash] = [:]
    /// The record right after the first `size` ones, for those sizes: where "unverified" starts.
    var recordAfter: [UInt64: RecordLocation] = [:]
    /// The parsed records, for the checkpoint chain only.
    var checkpoints: [CheckpointEntry] = []
    /// The first manifest that does not describe its file. Reported after checks 1–5 (check 6 is
    /// last), so a tampered record is named at its line, not at the manifest that also disagrees.
    var manifestFailure: LedgerVerificationFailure?
}

/// A SHA-256 digest as four words: compared and copied without allocating.
struct Digest32: Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64)

    static let zero = Digest32(words: (0, 0, 0, 0))

    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// The 32 bytes at `raw`, each word holding its first byte in the low bits on every platform.
    init(_ raw: UnsafeRawBufferPointer) {
        words = (
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        )
    }

    /// The digest written as a JSON string of 64 lower-case hex characters at `range` (quotes included), or nil.
    init?(hexString range: Range<Int>, in line: UnsafeBufferPointer<UInt8>) {
        guard range.count == 66, line[range.lowerBound] == UInt8(ascii: "\""), line[range.upperBound - 1] == UInt8(ascii: "\"") else {
            return nil
        }
        let start = range.lowerBound + 1
        var valid = true
        @inline(__always)
        func word(_ number: Int) -> UInt64 {
            var value: UInt64 = 0
            var position = start + number * 16
            for shift in stride(from: 0, to: 64, by: 8) {
                let (high, highValid) = Self.lowerHex(line[position])
                let (low, lowValid) = Self.lowerHex(line[position + 1])
                valid = valid && highValid && lowValid
                value |= UInt64(high << 4 | low) << UInt64(shift)
                position += 2
            }
            return value
        }
        let words = (word(0), word(1), word(2), word(3))
        guard valid else { return nil }
        self.words = words
    }

    // Branch-light: the verifier decodes two of these per record.
    @inline(__always)
    private static func lowerHex(_ byte: UInt8) -> (UInt8, Bool) {
        let digit = byte &- UInt8(ascii: "0")
        if digit < 10 { return (digit, true) }
        let letter = byte &- UInt8(ascii: "a")
        return (letter &+ 10, letter < 6)
    }

    static func == (lhs: Digest32, rhs: Digest32) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }
}

extension LedgerVerifier {
    /// A chain file with the `seq` of its first record, for ordering.
    struct ChainFile {
        let relativePath: String
        let firstSeq: Int64
    }

    /// Streams every file of `kind` in chain order: checks 1 and 2 of the format for every line,
    /// and Merkle roots at `wantedSizes`.
    /// `onRecord` sees every record that passed its checks: the line, its `seq` and its `hash`.
    func scanChain(
        kind: String, wantedSizes: Set<UInt64>, collectObjects: Bool,
        onRecord: (_ line: UnsafeBufferPointer<UInt8>, _ seq: Int64, _ hash: LedgerHash) throws(LedgerVerificationFailure) -> Void = { _, _, _ in }
    ) throws(LedgerVerificationFailure) -> ChainScan {
        var state = ChainState(kind: kind, wantedSizes: wantedSizes, collectObjects: collectObjects, maxLineBytes: maxLineBytes)
        var files: [ChainFile] = []
        let names = try listDirectory(kind, kind: kind)
        // Only `<name>.jsonl.manifest.json` describes a chain file; other files beside the chain are not read.
        let manifests = Set(names.filter { $0.hasSuffix(".jsonl" + Self.manifestSuffix) })
        var manifestFailure: LedgerVerificationFailure?
        for manifest in manifests.sorted() where manifestFailure == nil {
            let fileName = String(manifest.dropLast(Self.manifestSuffix.count))
            if !names.contains(fileName) {
                manifestFailure = LedgerVerificationFailure(
                    .manifestMismatch, path: kind + "/" + manifest, lineNumber: nil, kind: kind, seq: nil,
                    "manifest: the file it describes, \(fileName), is missing"
                )
            }
        }
        for name in names where name.hasSuffix(".jsonl") {
            let relative = kind + "/" + name
            guard let first = try firstLine(of: relative, kind: kind) else { continue }
            let seq = try first.withUnsafeBufferPointer { (line) throws(LedgerVerificationFailure) -> Int64 in
                try state.checkFields(line, path: relative, lineNumber: 1).seq
            }
            files.append(ChainFile(relativePath: relative, firstSeq: seq))
        }
        // Stable: files with the same first seq stay in name order.
        files = files.enumerated().sorted { ($0.element.firstSeq, $0.offset) < ($1.element.firstSeq, $1.offset) }.map(\.element)

        for file in files {
            let manifestName = LedgerFileHandleName.fileName(of: file.relativePath) + Self.manifestSuffix
            let hasManifest = manifests.contains(manifestName)
            var facts = ManifestFacts(firstPrevHash: state.scan.lastHash ?? .zero)
            var reader = try openReader(file.relativePath, kind: kind, chunkBytes: 4 << 20)
            let problem = try reader.forEachLine { (line, lineNumber) throws(LedgerVerificationFailure) in
                let record = try state.process(line, path: file.relativePath, lineNumber: lineNumber)
                if hasManifest {
                    facts.add(line, seq: record.seq, hash: record.hash)
                }
                try onRecord(line, record.seq, record.hash)
            }
            if let problem {
                throw Self.failure(problem, path: file.relativePath, kind: kind)
            }
            if hasManifest, manifestFailure == nil {
                do {
                    try checkManifest(kind + "/" + manifestName, kind: kind, fileName: LedgerFileHandleName.fileName(of: file.relativePath), facts: facts)
                } catch {
                    manifestFailure = error
                }
            }
            state.scan.files += 1
        }
        var scan = state.finish()
        scan.manifestFailure = manifestFailure
        return scan
    }

    static func failure(_ problem: ChunkedLineReader.Problem, path: String, kind: String) -> LedgerVerificationFailure {
        switch problem {
        case .io(let text):
            LedgerVerificationFailure(.unreadable, path: path, lineNumber: nil, kind: kind, seq: nil, "cannot read the file: \(text)")
        case .lineTooLong(let line):
            LedgerVerificationFailure(.invalidJSON, path: path, lineNumber: line, kind: kind, seq: nil, "line longer than the limit")
        case .tornLine(let line):
            LedgerVerificationFailure(.tornLine, path: path, lineNumber: line, kind: kind, seq: nil, "torn last line (no final newline)")
        }
    }

    private struct FirstLine: Error {
        let bytes: [UInt8]
    }

    private func openReader(_ relative: String, kind: String, chunkBytes: Int) throws(LedgerVerificationFailure) -> ChunkedLineReader {
        do {
            return try ChunkedLineReader(path: absolutePath(relative), chunkBytes: chunkBytes, maxLineBytes: maxLineBytes)
        } catch {
            throw Self.failure(error, path: relative, kind: kind)
        }
    }

    /// The first line of a file, nil when the file is empty.
    private func firstLine(of relative: String, kind: String) throws(LedgerVerificationFailure) -> [UInt8]? {
        var reader = try openReader(relative, kind: kind, chunkBytes: 64 << 10)
        let problem: ChunkedLineReader.Problem?
        do {
            problem = try reader.forEachLine { (line, _) throws(FirstLine) in throw FirstLine(bytes: Array(line)) }
        } catch {
            return error.bytes
        }
        if let problem {
            throw Self.failure(problem, path: relative, kind: kind)
        }
        return nil
    }
}

/// The running state of one chain while its lines stream past.
struct ChainState {
    let kind: String
    /// `kind` as its canonical JSON string, quotes included: what the `kind` field must hold byte for byte.
    private let kindValue: [UInt8]
    private let wantedSizes: [UInt64]
    private var nextWanted = 0
    private var pendingAfter: UInt64?
    private let collectObjects: Bool
    private let maxLineBytes: Int
    private var expectedSeq: Int64 = 1
    private var previous = Digest32.zero
    private var tree = CompactMerkleRoot()
    var scan = ChainScan()

    init(kind: String, wantedSizes: Set<UInt64>, collectObjects: Bool, maxLineBytes: Int) {
        self.kind = kind
        self.kindValue = CanonicalJSON.string(kind).canonicalBytes()
        self.wantedSizes = wantedSizes.sorted()
        self.collectObjects = collectObjects
        self.maxLineBytes = maxLineBytes
        if self.wantedSizes.first == 0 {
            scan.roots[0] = MerkleHashing.emptyRoot
            pendingAfter = 0
            nextWanted = 1
        }
    }

    /// The chain fields of one line that passed check 1.
    struct CheckedFields {
        let seq: Int64
        let prevHash: Digest32
        let hash: Digest32
        let fields: CanonicalLineScanner.Fields
    }

    /// Check 1 of the format: a canonical object with node, kind (= the folder), seq, prev_hash, hash.
    func checkFields(_ line: UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int) throws(LedgerVerificationFailure) -> CheckedFields {
        guard let fields = CanonicalLineScanner.scan(line) else {
            throw slowPathFailure(line, path: path, lineNumber: lineNumber)
        }
        let seq = fields.seq.flatMap { Self.integer(at: $0, in: line) }
        func failure(_ code: LedgerVerificationFailure.Code, _ reason: String) -> LedgerVerificationFailure {
            LedgerVerificationFailure(code, path: path, lineNumber: lineNumber, kind: kind, seq: seq, reason)
        }
        guard let node = fields.node else { throw failure(.missingField, "field node missing") }
        guard line[node.lowerBound] == UInt8(ascii: "\"") else { throw failure(.invalidField, "field node is not a string") }
        guard let kindRange = fields.kind else { throw failure(.missingField, "field kind missing") }
        guard kindRange.count == kindValue.count, Self.equal(line, kindRange, kindValue) else {
            let written = String(decoding: UnsafeBufferPointer(rebasing: line[kindRange]), as: UTF8.self)
            throw failure(.wrongKind, "field kind is \(written), the folder is \(kind)")
        }
        guard fields.seq != nil else { throw failure(.missingField, "field seq missing") }
        guard let seq else { throw failure(.invalidField, "field seq is not an integer") }
        guard let prevRange = fields.prevHash else { throw failure(.missingField, "field prev_hash missing") }
        guard let prevHash = Digest32(hexString: prevRange, in: line) else {
            throw failure(.invalidField, "field prev_hash is not 64 lower-case hex characters")
        }
        guard let hashRange = fields.hash else { throw failure(.missingField, "field hash missing") }
        guard let hash = Digest32(hexString: hashRange, in: line) else {
            throw failure(.invalidField, "field hash is not 64 lower-case hex characters")
        }
        return CheckedFields(seq: seq, prevHash: prevHash, hash: hash, fields: fields)
    }

    /// Checks 1 and 2 for the next line of the chain, then adds it to the Merkle tree.
    @discardableResult
    mutating func process(_ line: UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int) throws(LedgerVerificationFailure) -> (seq: Int64, hash: LedgerHash) {
        let checked = try checkFields(line, path: path, lineNumber: lineNumber)
        func failure(_ code: LedgerVerificationFailure.Code, _ reason: String) -> LedgerVerificationFailure {
            LedgerVerificationFailure(code, path: path, lineNumber: lineNumber, kind: kind, seq: checked.seq, reason)
        }
        guard checked.seq == expectedSeq else { throw failure(.seqMismatch, "expected seq \(expectedSeq)") }
        guard checked.prevHash == previous else {
            throw failure(.prevHashMismatch, "prev_hash does not match the previous record's hash")
        }
        // The line is canonical (the scanner checked), so removing the `"hash":"…"` member and one
        // adjacent comma gives exactly the canonical JSON of the record without `hash`: canonical
        // serialization writes the members in sorted key order joined by commas, each member's text
        // depending only on its own key and value, so dropping one key drops exactly its member text
        // and one separator and leaves every other byte as it was. The scanner only records a
        // top-level `hash` key, and canonical keys cannot spell "hash" with escapes.
        guard let removal = checked.fields.hashRemoval else { throw failure(.missingField, "field hash missing") }
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[..<removal.lowerBound])))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[removal.upperBound...])))
        let digest = hasher.finalize()
        let computed = digest.withUnsafeBytes { Digest32($0) }
        guard computed == checked.hash else { throw failure(.hashMismatch, "hash does not match the record") }

        if let size = pendingAfter {
            scan.recordAfter[size] = RecordLocation(path: path, lineNumber: lineNumber, seq: checked.seq)
            pendingAfter = nil
        }
        let hash = LedgerHash(digest: digest)
        tree.append(recordHash: hash)
        scan.count += 1
        scan.lastHash = hash
        previous = computed
        expectedSeq += 1
        if nextWanted < wantedSizes.count, wantedSizes[nextWanted] == scan.count {
            scan.roots[scan.count] = tree.root
            pendingAfter = scan.count
            nextWanted += 1
        }
        if collectObjects {
            // Already known to be canonical JSON, so the full parse cannot fail; guard anyway.
            guard case .object(let object)? = try? CanonicalJSONParser(maxBytes: maxLineBytes).parse(line) else {
                throw failure(.invalidJSON, "the record does not parse")
            }
            scan.checkpoints.append(CheckpointEntry(location: RecordLocation(path: path, lineNumber: lineNumber, seq: checked.seq), object: object))
        }
        return (checked.seq, hash)
    }

    func finish() -> ChainScan {
        scan
    }

    /// The precise failure for a line the scanner refused: the full parser says what is wrong.
    private func slowPathFailure(_ line: UnsafeBufferPointer<UInt8>, path: String, lineNumber: Int) -> LedgerVerificationFailure {
        let bytes = Array(line)
        func failure(_ code: LedgerVerificationFailure.Code, seq: Int64?, _ reason: String) -> LedgerVerificationFailure {
            LedgerVerificationFailure(code, path: path, lineNumber: lineNumber, kind: kind, seq: seq, reason)
        }
        let value: CanonicalJSON
        do {
            value = try CanonicalJSONParser(maxBytes: maxLineBytes).parse(bytes)
        } catch {
            let code: LedgerVerificationFailure.Code = error.code == .fractionNotAllowed ? .nonIntegerNumber : .invalidJSON
            return failure(code, seq: nil, "not a JSON record: \(error)")
        }
        guard case .object(let object) = value else {
            return failure(.notAnObject, seq: nil, "not a JSON object")
        }
        var seq: Int64?
        if case .integer(let value)? = object["seq"] { seq = value }
        if let mismatch = CanonicalJSONParser.canonicalMismatch(of: value, text: bytes) {
            return failure(.notCanonical, seq: seq, "not canonical JSON: \(mismatch)")
        }
        // The scanner accepts exactly the canonical objects, so this is a bug in one of the two.
        return failure(.notCanonical, seq: seq, "not canonical JSON (refused by the line scanner, accepted by the parser)")
    }

    /// The integer at `range` (the scanner has checked it is canonical and in range), nil if it is not a number.
    private static func integer(at range: Range<Int>, in line: UnsafeBufferPointer<UInt8>) -> Int64? {
        var position = range.lowerBound
        let negative = line[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var value: Int64 = 0
        guard position < range.upperBound else { return nil }
        while position < range.upperBound {
            let byte = line[position]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte &- UInt8(ascii: "0"))
            // Accumulate negatively so Int64.min fits.
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
            position += 1
        }
        return value
    }

    private static func equal(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ expected: [UInt8]) -> Bool {
        var offset = 0
        for position in range {
            guard line[position] == expected[offset] else { return false }
            offset += 1
        }
        return true
    }
}

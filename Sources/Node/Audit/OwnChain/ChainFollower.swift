#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Ledger
import Records

/// Follows one of this node's own chains on disk (`DATA/<kind>/*.jsonl`), in chain order across rotated files,
/// handing each complete new record line to the caller exactly once.
///
/// The record writer is the only writer of these files; this reads what it has written (the same way the stream
/// publisher does) and keeps the file and offset it reached, so a tick reads only what is new.
struct ChainFollower {
    /// A line longer than this is not a record.
    static let maximumLineBytes = 16 << 20
    private static let chunkBytes = 256 << 10

    let kind: String
    let folder: String
    /// `seq` of the last record handed over (0 before the first).
    private(set) var lastSeq: UInt64 = 0
    private var firstSeqByFile: [String: UInt64] = [:]
    private var current: String?
    private var offset: Int64 = 0

    init(dataDirectory: String, kind: String) {
        self.kind = kind
        self.folder = dataDirectory + "/" + kind
    }

    /// Reads every complete record line written since the last call; `body` gets each with its `seq` and `hash`.
    mutating func advance(_ body: (_ seq: UInt64, _ hash: LedgerHash, _ line: ArraySlice<UInt8>) -> Void) throws(AuditChainError) {
        while true {
            if current == nil {
                guard let next = try fileStarting(at: lastSeq + 1) else { return }
                current = next
                offset = 0
            }
            guard let name = current else { return }
            let reachedEnd = try readNewLines(of: name, body)
            // A file is left only for the one that continues the chain; until that exists, this one may still grow.
            guard reachedEnd, let next = try fileStarting(at: lastSeq + 1), next != name else { return }
            current = next
            offset = 0
        }
    }

    // Reads complete lines from `offset`; true when the end of the file was reached.
    private mutating func readNewLines(of name: String, _ body: (UInt64, LedgerHash, ArraySlice<UInt8>) -> Void) throws(AuditChainError) -> Bool {
        let path = folder + "/" + name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw AuditChainError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { _ = close(descriptor) }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: Self.chunkBytes)
        var readOffset = offset
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(readOffset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuditChainError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return true }
            readOffset += Int64(count)
            pending.append(contentsOf: chunk[0..<count])
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[start..<newline]
                let (seq, hash) = try Self.fields(of: line, path: path)
                guard seq == lastSeq + 1 else {
                    throw AuditChainError("\(path): seq \(seq) where \(lastSeq + 1) was expected; the chain changed under the reader")
                }
                body(seq, hash, line)
                lastSeq = seq
                start = newline + 1
            }
            offset += Int64(start)
            pending.removeFirst(start)
            guard pending.count <= Self.maximumLineBytes else {
                throw AuditChainError("\(path): a line longer than \(Self.maximumLineBytes) bytes")
            }
        }
    }

    // The chain file whose first record has `seq`, by listing the folder (first seqs are cached per name).
    private mutating func fileStarting(at seq: UInt64) throws(AuditChainError) -> String? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }
        for name in names where firstSeqByFile[name] == nil {
            if let first = try firstSeq(of: name) { firstSeqByFile[name] = first }
        }
        return firstSeqByFile.first { $0.value == seq }?.key
    }

    private func firstSeq(of name: String) throws(AuditChainError) -> UInt64? {
        let path = folder + "/" + name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { _ = close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0, let newline = chunk[0..<count].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return try Self.fields(of: chunk[0..<newline], path: path).seq
    }

    private static func fields(of line: ArraySlice<UInt8>, path: String) throws(AuditChainError) -> (seq: UInt64, hash: LedgerHash) {
        guard let value = try? CanonicalJSONParser(maxBytes: maximumLineBytes).parse(line),
              case .object(let object) = value,
              case .integer(let seq)? = object["seq"], seq >= 1,
              case .string(let hashText)? = object["hash"], let hash = LedgerHash(hex: hashText)
        else {
            throw AuditChainError("\(path): a line that is not a record with seq and hash")
        }
        return (UInt64(seq), hash)
    }
}

/// This node's own chain files could not be read as a chain.
struct AuditChainError: Error, Sendable, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}

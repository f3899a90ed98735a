import Foundation
import Testing

/// One way of damaging a data directory the node wrote, and where verifiers must then point.
enum Tamper: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case byteChangedInMiddleRecord
    case recordDeleted
    case recordsSwapped
    case tailTruncatedAfterCheckpoint
    case recordAppendedWithoutCheckpoint
    case checkpointSignatureAltered
    /// The signature altered and the checkpoint's hash recomputed, so only the signature check can catch it.
    case checkpointSignatureAlteredAndRehashed

    var testDescription: String { rawValue }

    /// What a verifier must report: the place, and a word its message must contain (nil: any wording).
    struct Expectation {
        var place: FailurePlace
        var word: String?
    }

    /// Damages `data` (a copy) and says where the first broken place now is.
    func apply(to data: URL, in directory: TemporaryDirectory) async throws -> Expectation {
        let cdrFiles = try ChainFile.all(kind: "cdr", in: data)
        var cdr = try #require(cdrFiles.last, "no cdr records in \(data.path)")
        try #require(cdr.lines.count >= 10, "too few cdr records to tamper with: \(cdr.lines.count)")
        let middle = cdr.lines.count / 2
        let middleSeq = try #require(try cdr.record(at: middle).int("seq"))

        switch self {
        case .byteChangedInMiddleRecord:
            let line = cdr.lines[middle]
            let marker = try #require(line.range(of: #""id":""#), "no id in \(line)")
            let index = marker.upperBound
            let replacement: Character = line[index] == "0" ? "1" : "0"
            cdr.lines[middle] = line.replacingCharacters(in: index...index, with: String(replacement))
            try cdr.write()
            return Expectation(place: FailurePlace(file: cdr.name, line: middle + 1, kind: "cdr", seq: "\(middleSeq)"))

        case .recordDeleted:
            cdr.lines.remove(at: middle)
            try cdr.write()
            // The line that took the deleted record's place carries the next seq.
            return Expectation(place: FailurePlace(file: cdr.name, line: middle + 1, kind: "cdr", seq: "\(middleSeq + 1)"))

        case .recordsSwapped:
            cdr.lines.swapAt(middle, middle + 1)
            try cdr.write()
            return Expectation(place: FailurePlace(file: cdr.name, line: middle + 1, kind: "cdr", seq: "\(middleSeq + 1)"))

        case .tailTruncatedAfterCheckpoint:
            let total = try ChainFile.records(kind: "cdr", in: data).count
            cdr.lines.removeLast(3)
            try cdr.write()
            // The first checkpoint (in chain order) that covers more cdr records than remain.
            let checkpoints = try ChainFile.records(kind: "checkpoint", in: data)
            let claiming = try #require(
                checkpoints.first { cdrSize(of: $0.record) > total - 3 },
                "no checkpoint covers the removed records: \(checkpoints.map(\.record))"
            )
            return Expectation(place: FailurePlace(
                file: claiming.file, line: claiming.line, kind: "checkpoint", seq: "\(claiming.record.int("seq") ?? -1)"
            ))

        case .recordAppendedWithoutCheckpoint:
            let lastSeq = try #require(try cdr.record(at: cdr.lines.count - 1).int("seq"))
            let forged = try await LedgerTools.runPython(
                #"""
                import uuid
                path = sys.argv[1]
                last = v.parse(open(path, 'rb').read().rstrip(b'\n').split(b'\n')[-1])
                forged = dict(last, seq=last['seq'] + 1, prev_hash=last['hash'], id=str(uuid.uuid4()))
                forged['hash'] = v.record_hash(forged)
                open(path, 'ab').write(v.canonical(forged) + b'\n')
                """#,
                [cdr.url.path],
                in: directory
            )
            try #require(forged.exitCode == 0, "\(forged)")
            return Expectation(
                place: FailurePlace(file: cdr.name, line: cdr.lines.count + 1, kind: "cdr", seq: "\(lastSeq + 1)"),
                word: "unverified"
            )

        case .checkpointSignatureAltered:
            var checkpoint = try #require(try ChainFile.all(kind: "checkpoint", in: data).last)
            let last = checkpoint.lines.count - 1
            let seq = try #require(try checkpoint.record(at: last).int("seq"))
            let line = checkpoint.lines[last]
            let marker = try #require(line.range(of: #""signature":""#), "no signature in \(line)")
            let index = line.index(marker.upperBound, offsetBy: 10)
            let replacement: Character = line[index] == "A" ? "B" : "A"
            checkpoint.lines[last] = line.replacingCharacters(in: index...index, with: String(replacement))
            try checkpoint.write()
            return Expectation(place: FailurePlace(file: checkpoint.name, line: last + 1, kind: "checkpoint", seq: "\(seq)"))

        case .checkpointSignatureAlteredAndRehashed:
            let checkpoint = try #require(try ChainFile.all(kind: "checkpoint", in: data).last)
            let seq = try #require(try checkpoint.record(at: checkpoint.lines.count - 1).int("seq"))
            let resigned = try await LedgerTools.runPython(
                #"""
                import base64
                path = sys.argv[1]
                lines = open(path, 'rb').read().split(b'\n')[:-1]
                cp = v.parse(lines[-1])
                signature = bytearray(base64.b64decode(cp['signature']))
                signature[5] ^= 0x01
                cp['signature'] = base64.b64encode(bytes(signature)).decode()
                cp['hash'] = v.record_hash(cp)
                lines[-1] = v.canonical(cp)
                open(path, 'wb').write(b''.join(line + b'\n' for line in lines))
                """#,
                [checkpoint.url.path],
                in: directory
            )
            try #require(resigned.exitCode == 0, "\(resigned)")
            return Expectation(
                place: FailurePlace(file: checkpoint.name, line: checkpoint.lines.count, kind: "checkpoint", seq: "\(seq)"),
                word: "signature"
            )
        }
    }

    private func cdrSize(of checkpoint: JSONRecord) -> Int {
        guard let chains = checkpoint.fields["chains"] as? [String: Any], let cdr = chains["cdr"] as? [String: Any] else {
            return 0
        }
        return (cdr["size"] as? NSNumber)?.intValue ?? 0
    }
}

import Foundation

/// One line of a record file, parsed with JSONSerialization.
struct JSONRecord: CustomStringConvertible {
    let fields: [String: Any]
    let line: String

    var description: String { line }

    func string(_ key: String) -> String? {
        fields[key] as? String
    }

    func int(_ key: String) -> Int? {
        switch fields[key] {
        case let value as Int: return value
        case let value as NSNumber: return value.intValue
        case let value as String: return Int(value)
        default: return nil
        }
    }

    /// A JSON `true`/`false`: only the literal in the line counts, not a number.
    func bool(_ key: String) -> Bool? {
        if line.contains("\"\(key)\":true") { return true }
        if line.contains("\"\(key)\":false") { return false }
        return nil
    }

    /// Every record in `directory/*.jsonl`, in file-name then line order. A record carrying a
    /// `kind` other than `kind` is skipped; a line that is not a JSON object is an error.
    static func readAll(in directory: URL, kind: String) throws -> [JSONRecord] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: directory.path) else { return [] }
        let files = try manager.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".jsonl") }
            .sorted()
        var records: [JSONRecord] = []
        for file in files {
            let url = directory.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
                let record = try parse(String(line), source: file)
                if let recordKind = record.string("kind"), recordKind != kind {
                    continue
                }
                records.append(record)
            }
        }
        return records
    }

    static func parse(_ line: String, source: String) throws -> JSONRecord {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        guard let fields = object as? [String: Any] else {
            throw HarnessError("\(source): line is not a JSON object: \(line.prefix(200))")
        }
        return JSONRecord(fields: fields, line: line)
    }
}

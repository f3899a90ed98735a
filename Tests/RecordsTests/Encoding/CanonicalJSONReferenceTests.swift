import Records
import Testing

/// The byte-level writer against a plain reference (the first implementation: keys sorted as UTF-16 code units,
/// one dictionary lookup per key, strings escaped scalar by scalar) on generated values, keys with non-ASCII,
/// surrogate-pair and private-use characters included, where UTF-8 byte order and UTF-16 order differ.
@Suite struct CanonicalJSONReferenceTests {
    @Test func generatedValuesEncodeAsTheReference() {
        var generator = SplitMix(seed: 0x5EED)
        for _ in 0..<2_000 {
            let value = Self.value(depth: 0, &generator)
            #expect(value.canonicalBytes() == Self.reference(value))
        }
    }

    @Test func keysThatDifferOnlyWhereUTF8AndUTF16OrdersDisagree() {
        // U+FB33 (UTF-8 EF AC B3, UTF-16 FB33) sorts after U+1F600 (F0 9F 98 80 / D83D DE00) in UTF-16.
        let keys = ["a\u{FB33}", "a\u{1F600}", "a\u{E000}", "a\u{10000}", "a", "a\u{7F}", "a\u{80}", "\u{FFFF}", "\u{10FFFF}"]
        let object = CanonicalJSON.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, CanonicalJSON.null) }))
        #expect(object.canonicalBytes() == Self.reference(object))
    }

    static func reference(_ value: CanonicalJSON) -> [UInt8] {
        switch value {
        case .object(let fields):
            let keys = fields.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            let members = keys.map { key in referenceString(key) + [UInt8(ascii: ":")] + reference(fields[key] ?? .null) }
            return [UInt8(ascii: "{")] + Array(members.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "}")]
        case .array(let elements):
            return [UInt8(ascii: "[")] + Array(elements.map(reference).joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "]")]
        case .string(let text):
            return referenceString(text)
        case .integer(let number):
            return Array(String(number).utf8)
        case .bool(let flag):
            return Array((flag ? "true" : "false").utf8)
        case .null:
            return Array("null".utf8)
        }
    }

    static func referenceString(_ text: String) -> [UInt8] {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return Array((out + "\"").utf8)
    }

    // Characters chosen to hit every branch: ASCII, escapes and controls, 2-, 3- and 4-byte UTF-8.
    static let alphabet: [Unicode.Scalar] = [
        "a", "b", "h", "s", "_", "0", "\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{7F}", "\u{80}", "\u{F6}",
        "\u{20AC}", "\u{D7FF}", "\u{E000}", "\u{FB33}", "\u{FFFF}", "\u{10000}", "\u{1F600}", "\u{10FFFF}",
    ]

    static func text(_ generator: inout SplitMix, maxLength: Int) -> String {
        var text = ""
        for _ in 0..<Int(generator.next() % UInt64(maxLength + 1)) {
            text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
        }
        return text
    }

    static func value(depth: Int, _ generator: inout SplitMix) -> CanonicalJSON {
        switch generator.next() % (depth < 3 ? 7 : 5) {
        case 0: return .string(text(&generator, maxLength: 12))
        case 1: return .integer(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64))
        case 2: return .bool(generator.next() & 1 == 0)
        case 3: return .null
        case 4: return .string(String(repeating: "x", count: Int(generator.next() % 40)))
        case 5:
            var fields: [String: CanonicalJSON] = [:]
            for _ in 0..<Int(generator.next() % 8) {
                fields[text(&generator, maxLength: 4)] = value(depth: depth + 1, &generator)
            }
            return .object(fields)
        default:
            return .array((0..<Int(generator.next() % 5)).map { _ in value(depth: depth + 1, &generator) })
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failure reproduces.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

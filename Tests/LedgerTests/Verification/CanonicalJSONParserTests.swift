import Records
import Testing
@testable import Ledger

@Suite struct CanonicalJSONParserTests {
    private let parser = CanonicalJSONParser()

    private func parse(_ text: String) throws(CanonicalJSONParseError) -> CanonicalJSON {
        try parser.parse(Array(text.utf8))
    }

    private func error(_ text: String, canonical: Bool = false, parser: CanonicalJSONParser = CanonicalJSONParser()) -> CanonicalJSONParseError? {
        do {
            _ = canonical ? try parser.parseCanonical(Array(text.utf8)) : try parser.parse(Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesEveryValueKind() throws {
        let value = try parse(#"{"a":[1,-2,0,true,false,null,"x"],"b":{"c":{}},"d":[]}"#)
        #expect(value == .object([
            "a": .array([.integer(1), .integer(-2), .integer(0), .bool(true), .bool(false), .null, .string("x")]),
            "b": .object(["c": .object([:])]),
            "d": .array([]),
        ]))
    }

    @Test func acceptsWhitespaceButCanonicalCheckRefusesIt() throws {
        #expect(try parse(" { \"a\" : 1 }\n") == .object(["a": .integer(1)]))
        let refused = try #require(error(#"{"a": 1}"#, canonical: true))
        #expect(refused.code == .notCanonical)
        #expect(refused.offset == 5)
    }

    @Test func integerLimits() throws {
        #expect(try parse("9223372036854775807") == .integer(Int64.max))
        #expect(try parse("-9223372036854775808") == .integer(Int64.min))
        #expect(error("9223372036854775808")?.code == .integerOutOfRange)
        #expect(error("-9223372036854775809")?.code == .integerOutOfRange)
        #expect(error("99999999999999999999999")?.code == .integerOutOfRange)
    }

    @Test func malformedNumbers() {
        #expect(error("01")?.code == .invalidNumber)
        #expect(error("-")?.code == .unexpectedEnd)
        #expect(error("-a")?.code == .invalidNumber)
        #expect(error("+1")?.code == .unexpectedByte)
        // -0 is JSON, but not canonical (it re-serializes as 0).
        #expect(error("-0")?.code == nil)
        #expect(error("-0", canonical: true)?.code == .notCanonical)
    }

    @Test(arguments: ["1.5", "1.0", "1e3", "1E3", "-2.25e-7", "0.1"])
    func fractionsAndExponentsAreTypedErrors(_ text: String) throws {
        let failure = try #require(error(#"{"n":"# + text + "}"))
        #expect(failure.code == .fractionNotAllowed)
        #expect(failure.offset == 5 + text.utf8.prefix { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }.count)
    }

    @Test func stringEscapes() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u00e9\u0000\u001f""#) == .string("é\u{00}\u{1F}"))
        #expect(try parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse("\"é😀\u{7F}\u{2028}\"") == .string("é😀\u{7F}\u{2028}"))
    }

    @Test func brokenEscapes() throws {
        #expect(error(#""\x""#)?.code == .invalidEscape)
        #expect(error(#""\u12""#)?.code == .invalidEscape)
        #expect(error(#""\u12g4""#)?.code == .invalidEscape)
        let lone = try #require(error(#""ab\ud800""#))
        #expect(lone.code == .invalidEscape)
        #expect(lone.offset == 3)
        #expect(error(#""\ud800\u0041""#)?.code == .invalidEscape)
        #expect(error(#""\udc00""#)?.code == .invalidEscape)
    }

    @Test func rawControlCharactersAndBadUTF8() throws {
        let control = try #require(error("\"a\u{01}b\""))
        #expect(control.code == .controlCharacterInString)
        #expect(control.offset == 2)
        for bytes: [UInt8] in [[0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(throws: CanonicalJSONParseError.self) { try parser.parse(bytes) }
            do {
                _ = try parser.parse(bytes)
            } catch {
                #expect(error.code == .invalidUTF8, "\(bytes)")
                #expect(error.offset == 1)
            }
        }
    }

    @Test func structureErrorsHavePositions() throws {
        let duplicate = try #require(error(#"{"a":1,"a":2}"#))
        #expect(duplicate.code == .duplicateKey)
        #expect(duplicate.offset == 7)
        #expect(error(#"{"a":1,}"#)?.code == .unexpectedByte)
        #expect(error(#"{"a" 1}"#)?.code == .unexpectedByte)
        #expect(error(#"{"a":1"#)?.code == .unexpectedEnd)
        #expect(error("[1,2")?.code == .unexpectedEnd)
        #expect(error("")?.code == .unexpectedEnd)
        #expect(error("tru")?.code == .unexpectedEnd)
        #expect(error("nul1")?.code == .unexpectedByte)
        let trailing = try #require(error(#"{"a":1}x"#))
        #expect(trailing.code == .trailingBytes)
        #expect(trailing.offset == 7)
        #expect(error("{\"a\":1}\n{}")?.code == .trailingBytes)
    }

    @Test func depthAndSizeLimits() {
        let limited = CanonicalJSONParser(maxBytes: 64, maxDepth: 3)
        #expect(error("[[[1]]]", parser: limited) == nil)
        #expect(error("[[[[1]]]]", parser: limited)?.code == .depthLimitExceeded)
        #expect(error(#"{"a":{"b":{"c":{}}}}"#, parser: limited)?.code == .depthLimitExceeded)
        #expect(error("\"" + String(repeating: "x", count: 70) + "\"", parser: limited)?.code == .sizeLimitExceeded)
        // The default depth limit holds against a deep attack without exhausting the stack.
        #expect(error(String(repeating: "[", count: 100_000))?.code == .depthLimitExceeded)
    }

    @Test func canonicalFormRoundTripsRecordEncoderOutput() throws {
        let value = CanonicalJSON.object([
            "z": .integer(-5), "A": .bool(true), "a": .array([.string("\u{00}\u{1F}\"\\/\u{7F}é😀\n"), .null]),
            "\u{E000}": .integer(1), "😀": .integer(2),
        ])
        let bytes = value.canonicalBytes()
        #expect(try parser.parseCanonical(bytes) == value)
    }

    @Test func nonCanonicalFormsAreRefused() {
        for text in [
            #"{"b":1,"a":2}"#,  // key order
            #"{"a":"\/"}"#,  // needless escape
            #"{"a":"\u0041"}"#,  // escaped letter
            #"{"a":"\u000A"}"#,  // upper-case hex, and \n has a short form
            #"{"a":"\u000a"}"#,  // \n has a short form
            #"{"a":"\u001F"}"#,  // upper-case hex
            #"{"a":"\uD83D\uDE00"}"#,  // non-BMP characters are written literally
            "{\"a\":1} ",
        ] {
            #expect(error(text, canonical: true)?.code == .notCanonical, "\(text)")
        }
    }
}

/// The verifier's fast path must accept exactly what the full parser's canonical check accepts.
@Suite struct CanonicalLineScannerTests {
    private func scannerAccepts(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { CanonicalLineScanner.scan($0) != nil }
    }

    private func parserAccepts(_ bytes: [UInt8]) -> Bool {
        guard case .object? = try? CanonicalJSONParser().parseCanonical(bytes) else { return false }
        return true
    }

    @Test func findsTheChainFieldsAndTheHashMember() throws {
        let line = Array(#"{"a":{"hash":"x"},"hash":"h","kind":"cdr","node":"n1","prev_hash":"p","seq":12,"z":[]}"#.utf8)
        let fields = try #require(line.withUnsafeBufferPointer { CanonicalLineScanner.scan($0) })
        func text(_ range: Range<Int>?) -> String { range.map { String(decoding: line[$0], as: UTF8.self) } ?? "nil" }
        #expect(text(fields.hash) == #""h""#)
        #expect(text(fields.kind) == #""cdr""#)
        #expect(text(fields.node) == #""n1""#)
        #expect(text(fields.prevHash) == #""p""#)
        #expect(text(fields.seq) == "12")
        #expect(text(fields.hashRemoval) == #","hash":"h""#)
    }

    @Test func hashRemovalGivesTheCanonicalFormWithoutHash() throws {
        for object: [String: CanonicalJSON] in [
            ["hash": .string("h")],
            ["hash": .string("h"), "z": .integer(1)],
            ["a": .integer(1), "hash": .string("h")],
            ["a": .integer(1), "hash": .string("h"), "z": .object(["hash": .string("inner")])],
        ] {
            let line = CanonicalJSON.object(object).canonicalBytes()
            let fields = try #require(line.withUnsafeBufferPointer { CanonicalLineScanner.scan($0) })
            let removal = try #require(fields.hashRemoval)
            var without = object
            without.removeValue(forKey: "hash")
            #expect(Array(line[..<removal.lowerBound] + line[removal.upperBound...]) == CanonicalJSON.object(without).canonicalBytes())
        }
    }

    @Test func agreesWithTheParserOnHandPickedLines() {
        for text in [
            "{}", #"{"a":1}"#, #"{"a":-0}"#, #"{"a":01}"#, #"{"a":1.0}"#, #"{"a":1e2}"#, #"{"b":1,"a":2}"#, #"{"a":1,"a":1}"#,
            #"{"a":"\u001f"}"#, #"{"a":"\u001F"}"#, #"{"a":"\u0008"}"#, #"{"a":"\b"}"#, #"{"a":"\/"}"#, #"{"a":"\u0020"}"#,
            #"{"a":[1,2,]}"#, #"{"a":[]}"#, #"{"a":[{}]}"#, "[]", "1", #""s""#, #"{"a":true,"b":false,"c":null}"#,
            #"{"a":tru}"#, #"{"a":9223372036854775807}"#, #"{"a":9223372036854775808}"#, #"{"a":-9223372036854775808}"#,
            "{\"\u{E000}\":1,\"😀\":2}", "{\"😀\":2,\"\u{E000}\":1}", #"{"a":"x"} "#, #" {"a":"x"}"#, "{\"a\":\"\u{7F}\"}",
            #"{"a\"b":1,"a\\":2}"#, #"{"a\\":2,"a\"b":1}"#,
        ] {
            let bytes = Array(text.utf8)
            #expect(scannerAccepts(bytes) == parserAccepts(bytes), "\(text)")
        }
    }

    @Test func agreesWithTheParserOnRandomMutations() {
        var generator = SeededGenerator(seed: 0x5eed)
        let alphabet = Array(#"{}[]":,\-0123456789.eEtrufalsnbu "#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0xED]
        var disagreements: [String] = []
        for round in 0..<3_000 {
            var bytes = Self.randomValue(&generator, depth: 0).canonicalBytes()
            // Most rounds mutate a canonical object by one to three bytes; some keep it intact.
            let mutations = round % 4 == 0 ? 0 : Int.random(in: 1...3, using: &generator)
            for _ in 0..<mutations where !bytes.isEmpty {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = alphabet.randomElement(using: &generator) ?? 0x20
                case 1: bytes.insert(alphabet.randomElement(using: &generator) ?? 0x20, at: index)
                default: bytes.remove(at: index)
                }
            }
            if scannerAccepts(bytes) != parserAccepts(bytes) {
                disagreements.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    static func randomValue(_ generator: inout SeededGenerator, depth: Int) -> CanonicalJSON {
        let keys = ["a", "b", "hash", "seq", "kind", "\u{E000}", "😀", "a\"b", "é", "x\n", "A", ""]
        switch depth == 0 ? 0 : Int.random(in: 0..<7, using: &generator) {
        case 0 where depth < 3:
            var object: [String: CanonicalJSON] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                object[keys.randomElement(using: &generator) ?? "a"] = randomValue(&generator, depth: depth + 1)
            }
            return .object(object)
        case 1 where depth < 3:
            return .array((0..<Int.random(in: 0...3, using: &generator)).map { _ in randomValue(&generator, depth: depth + 1) })
        case 2:
            return .integer(Int64.random(in: -1_000_000...Int64.max, using: &generator) >> Int64.random(in: 0...62, using: &generator))
        case 3:
            return .bool(Bool.random(using: &generator))
        case 4:
            return .null
        default:
            let pieces = ["x", "\"", "\\", "\u{00}", "\u{08}", "\u{1F}", "\u{7F}", "é", "😀", "\u{2028}", "/", "\n"]
            return .string((0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined())
        }
    }
}

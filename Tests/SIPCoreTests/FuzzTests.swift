import NIOCore
import Testing
@testable import SIPCore

/// Deterministic fuzzing: random, truncated and mutated inputs must parse or throw a
/// `SIPParseError` (typed throws guarantee the type; these tests guarantee no trap and no hang),
/// and whatever parses must survive serialize → parse unchanged.
@Suite("Fuzz")
struct FuzzTests {
    static let interesting: [UInt8] = Array(":;,<>\"\\ \t\r\n\0@[]/=?%+-0123456789SIPsiptelv".utf8) + [0x80, 0xC3, 0xFF, 0xCC, 0x81]

    static var seeds: [ByteBuffer] {
        Samples.all.map(\.bytes) + TortureCorpus.cases.map { ByteBuffer(bytes: $0.bytes) }
    }

    /// Parses; on success checks the round-trip property. Returns whether it parsed.
    @discardableResult
    static func exercise(_ input: ByteBuffer, framing: SIPParser.Framing = .datagram, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let message: SIPMessage
        do {
            message = try parse(input, framing: framing)
        } catch {
            _ = error.code  // a typed SIPParseError, nothing else
            return false
        }
        let first = message.serialized()
        do {
            let again = try parse(first, framing: .stream)
            #expect(RoundTrip.equalIgnoringAddedContentLength(message, again), "round trip of \(Array(input.readableBytesView))", sourceLocation: sourceLocation)
            #expect(again.serialized() == first, "serialization is a fixpoint", sourceLocation: sourceLocation)
        } catch {
            Issue.record("serialized message does not parse: \(error) — input \(Array(input.readableBytesView))", sourceLocation: sourceLocation)
        }
        return true
    }

    @Test func randomByteStrings() {
        var rng = SplitMix64(seed: 0x5150_5357_4152_4D01)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...256, using: &rng)
            let bytes = (0..<count).map { _ in
                Bool.random(using: &rng) ? Self.interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            Self.exercise(ByteBuffer(bytes: bytes))
        }
    }

    @Test func randomHeadsWithValidStartLines() {
        // Mandatory headers that are each sometimes replaced by soup, plus random extra headers,
        // behind a valid start line: reaches the header and grammar code, and some of it parses.
        var rng = SplitMix64(seed: 7)
        let soupBytes = Self.interesting.filter { $0 < 0x80 && $0 != UInt8(ascii: "\n") }
        let mandatory = [
            ("Via", "SIP/2.0/UDP h.example;branch=z9hG4bK1"), ("From", "<sip:a@b>;tag=1"), ("To", "sip:c@d"),
            ("Call-ID", "x1"), ("CSeq", "1 INVITE"),
        ]
        let extraNames = ["v", "f", "t", "i", "Content-Length", "l", "Max-Forwards", "Contact", "m", "Route", "X"]
        func soup() -> String {
            var text = ""
            for _ in 0..<Int.random(in: 0...16, using: &rng) {
                text.unicodeScalars.append(Unicode.Scalar(soupBytes.randomElement(using: &rng)!))
            }
            return text
        }
        var parsed = 0
        for _ in 0..<1500 {
            var lines: [String] = []
            for (name, value) in mandatory {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: continue
                case 1: lines.append(name + ": " + soup())
                case 2: lines.append(name + ": " + value + soup())
                default: lines.append(name + ": " + value)
                }
            }
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                lines.insert(extraNames.randomElement(using: &rng)! + ":" + soup(), at: Int.random(in: 0...lines.count, using: &rng))
            }
            let start = Bool.random(using: &rng) ? "INVITE sip:a@b SIP/2.0" : "SIP/2.0 200 OK"
            let text = ([start] + lines).joined(separator: "\r\n") + "\r\n\r\n"
            if Self.exercise(ByteBuffer(string: text)) { parsed += 1 }
        }
        #expect(parsed > 100, "enough random heads must be valid to exercise the round trip")
    }

    @Test func everyTruncationOfTheSamples() {
        for sample in Samples.all.map(\.bytes) {
            for length in 0...sample.readableBytes {
                let prefix = sample.getSlice(at: sample.readerIndex, length: length)!
                Self.exercise(prefix)
                Self.exercise(prefix, framing: .stream)
            }
        }
    }

    @Test func randomByteFlips() {
        var rng = SplitMix64(seed: 0xDEAD_BEEF)
        let seeds = Self.seeds
        var parsed = 0
        for _ in 0..<4000 {
            var bytes = Array(seeds.randomElement(using: &rng)!.readableBytesView)
            guard !bytes.isEmpty else { continue }
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[index] = Self.interesting.randomElement(using: &rng)!
                case 2: bytes.insert(Self.interesting.randomElement(using: &rng)!, at: index)
                default: bytes.remove(at: index)
                }
                if bytes.isEmpty { break }
            }
            if Self.exercise(ByteBuffer(bytes: bytes)) { parsed += 1 }
        }
        // The mutations must leave enough valid messages to exercise the round trip.
        #expect(parsed > 300)
    }

    @Test func framerOnMutatedStreamsInRandomChunks() {
        var rng = SplitMix64(seed: 99)
        let seeds = Self.seeds
        for _ in 0..<300 {
            var stream: [UInt8] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                stream += seeds.randomElement(using: &rng)!.readableBytesView
                if Bool.random(using: &rng) { stream += Array("\r\n".utf8) }
            }
            for _ in 0..<Int.random(in: 0...3, using: &rng) where !stream.isEmpty {
                stream[Int.random(in: 0..<stream.count, using: &rng)] = Self.interesting.randomElement(using: &rng)!
            }
            var framer = SIPStreamFramer(limits: SIPParserLimits(maxMessageBytes: 16_384))
            var buffer = ByteBuffer()
            var offset = 0
            var consumedTotal = 0
            feeding: while offset < stream.count {
                let chunk = min(stream.count - offset, Int.random(in: 1...700, using: &rng))
                buffer.writeBytes(stream[offset..<(offset + chunk)])
                offset += chunk
                do {
                    while let frame = try framer.decode(buffer: &buffer) {
                        #expect(frame.readableBytes > 0)
                        consumedTotal += frame.readableBytes
                        Self.exercise(frame, framing: .stream)
                    }
                } catch {
                    #expect(error is SIPParseError)
                    break feeding
                }
            }
            #expect(consumedTotal <= stream.count)
        }
    }
}

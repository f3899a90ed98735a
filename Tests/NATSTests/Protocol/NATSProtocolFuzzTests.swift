import NIOCore
import Testing
@testable import NATS

/// Seeded random input and mutations of valid streams: the decoder must only return, return nil or throw.
@Suite struct NATSProtocolFuzzTests {
    static let corpus: [String] = [
        "INFO {\"server_id\":\"X\",\"version\":\"2.9.10\",\"max_payload\":64,\"headers\":true}\r\n",
        "MSG _INBOX.t.p1 1  5\r\nhello\r\n",
        "MSG a.b 2 _INBOX.r 3\r\nabc\r\n",
        "HMSG _INBOX.t.p7 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n",
        "HMSG s 4 r 35 37\r\nNATS/1.0\r\nNats-Msg-Id: n1.cdr.1\r\n\r\nab\r\n",
        "PING\r\n", "PONG\r\n", "+OK\r\n", "-ERR 'Stale Connection'\r\n",
    ]

    /// Feeds `bytes` in random chunks; returns the number of messages decoded before an error or the end.
    static func run(_ bytes: [UInt8], rng: inout SplitMix64) -> Int {
        var decoder = NATSProtocolDecoder(maxControlLineLength: 256, maxPayload: 4096)
        var buffer = ByteBuffer()
        var offset = 0
        var count = 0
        while offset < bytes.count {
            let chunk = Int.random(in: 1...max(1, bytes.count - offset), using: &rng)
            buffer.writeBytes(bytes[offset..<min(bytes.count, offset + chunk)])
            offset += chunk
            do {
                while true {
                    let before = buffer.readableBytes
                    guard try decoder.decode(buffer: &buffer) != nil else { break }
                    precondition(buffer.readableBytes < before, "decoded a message without consuming")
                    count += 1
                }
            } catch is NATSProtocolError {
                return count
            } catch {
                Issue.record("untyped error \(error)")
                return count
            }
        }
        return count
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 0x5195_A4A7)
        let alphabet = Array("MSGHINFOPONGK+-ER 0123456789\t\r\n:/.'{}\"abc".utf8)
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<200, using: &rng)
            let bytes: [UInt8] = (0..<length).map { _ in
                Bool.random(using: &rng) ? alphabet.randomElement(using: &rng) ?? 0 : UInt8.random(in: 0...255, using: &rng)
            }
            _ = Self.run(bytes, rng: &rng)
        }
    }

    @Test func mutatedValidStreamsNeverCrash() {
        var rng = SplitMix64(seed: 0xC0FFEE)
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes += Array((Self.corpus.randomElement(using: &rng) ?? "").utf8)
            }
            for _ in 0..<Int.random(in: 0...4, using: &rng) where !bytes.isEmpty {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: i)
                default: bytes[i] = Array("0123456789 \r\n".utf8).randomElement(using: &rng) ?? 0x30
                }
            }
            _ = Self.run(bytes, rng: &rng)
        }
    }

    @Test func unmutatedCorpusDecodesFully() {
        var rng = SplitMix64(seed: 1)
        let all = Self.corpus.joined()
        #expect(Self.run(Array(all.utf8), rng: &rng) == Self.corpus.count)
    }
}

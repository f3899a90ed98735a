import NIOCore
import Testing

@testable import SFTP

/// Random and mutated input must only ever produce messages or typed errors, never a crash or a hang.
@Suite("SFTP codec fuzz")
struct SFTPCodecFuzzTests {
    /// SplitMix64: deterministic, so a failing seed reproduces.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Decodes, and when that succeeds checks that encoding the result decodes to the same message.
    private func check(body: [UInt8]) {
        do {
            let message = try SFTPMessage.decode(body: ByteBuffer(bytes: body))
            var again = ByteBuffer()
            message.write(into: &again)
            let reread = try SFTPPacketDecoder().decodeTyped(buffer: &again)
            #expect(reread == message)
        } catch {
            #expect(error.code == .malformedPacket)
        }
    }

    @Test("random bodies with every packet type byte")
    func randomBodies() {
        var rng = Generator(state: 0x5F7_0001)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<64, using: &rng)
            var body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Bias the type byte toward real types so the field decoders get exercised, not just the type check.
            if !body.isEmpty, Bool.random(using: &rng) {
                body[0] = SFTPPacketType.allCases.randomElement(using: &rng)?.rawValue ?? 0
            }
            check(body: body)
        }
    }

    @Test("valid packets with bytes flipped, cut or extended")
    func mutatedPackets() {
        var rng = Generator(state: 0x5F7_0002)
        let bodies: [[UInt8]] = SFTPMessageCodecTests.samples.map { message in
            var buffer = ByteBuffer()
            message.write(into: &buffer)
            return Array(buffer.readableBytesView.dropFirst(4))
        }
        for _ in 0..<20_000 {
            guard var body = bodies.randomElement(using: &rng), !body.isEmpty else { continue }
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                let index = Int.random(in: 0..<body.count, using: &rng)
                body[index] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                body.removeLast(Int.random(in: 0...body.count, using: &rng))
            default:
                body.append(contentsOf: (0..<Int.random(in: 1..<8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
            check(body: body)
        }
    }

    @Test("random streams through the framing decoder")
    func randomStreams() {
        var rng = Generator(state: 0x5F7_0003)
        for _ in 0..<2_000 {
            let decoder = SFTPPacketDecoder(maximumPacketLength: 4096)
            var buffer = ByteBuffer(bytes: (0..<Int.random(in: 0..<256, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
            do {
                while let _ = try decoder.decodeTyped(buffer: &buffer) {}
            } catch {
                let code = error.code
                #expect(code == .malformedPacket || code == .packetTooLarge)
            }
        }
    }
}

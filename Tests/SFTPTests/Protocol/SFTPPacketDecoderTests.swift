import NIOCore
import Testing

@testable import SFTP

@Suite("SFTP packet framing")
struct SFTPPacketDecoderTests {
    private func stream(_ messages: [SFTPMessage]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages { message.write(into: &buffer) }
        return buffer
    }

    /// Feeds `bytes` in pieces of `step` and collects what the decoder produces, as a pipeline would.
    private func decodeInPieces(_ bytes: ByteBuffer, step: Int) throws -> [SFTPMessage] {
        var decoder = SFTPPacketDecoder()
        var pending = ByteBuffer()
        var input = bytes
        var out: [SFTPMessage] = []
        while input.readableBytes > 0 {
            guard var piece = input.readSlice(length: min(step, input.readableBytes)) else { break }
            pending.writeBuffer(&piece)
            while let message = try decoder.decode(buffer: &pending) { out.append(message) }
        }
        #expect(pending.readableBytes == 0)
        return out
    }

    @Test("byte by byte, in odd pieces and all at once give the same messages", arguments: [1, 3, 7, 64, 100_000])
    func piecewise(step: Int) throws {
        let messages = SFTPMessageCodecTests.samples
        #expect(try decodeInPieces(stream(messages), step: step) == messages)
    }

    @Test("an incomplete packet consumes nothing")
    func incomplete() throws {
        var full = stream([.response(id: 1, .data(ByteBuffer(string: "hello")))])
        var partial = full.readSlice(length: full.readableBytes - 1) ?? ByteBuffer()
        let before = partial.readerIndex
        #expect(try SFTPPacketDecoder().decodeTyped(buffer: &partial) == nil)
        #expect(partial.readerIndex == before)
    }

    @Test("a length over the cap is refused before the body arrives")
    func oversize() {
        var buffer = ByteBuffer(bytes: [0x00, 0x10, 0x00, 0x01, 103])
        #expect(throws: SFTPError(.packetTooLarge, "")) {
            try SFTPPacketDecoder(maximumPacketLength: 1 << 20).decodeTyped(buffer: &buffer)
        }
    }

    @Test("a zero length is malformed")
    func zeroLength() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0, 1])
        #expect(throws: SFTPError(.malformedPacket, "")) { try SFTPPacketDecoder().decodeTyped(buffer: &buffer) }
    }
}

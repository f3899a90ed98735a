import NIOCore
import NIOTestUtils
import Testing
@testable import SIPCore

@Suite("SIPStreamFramer")
struct SIPStreamFramerTests {
    static let noBodyNoLength = wire(minimalRequestHead(), contentLength: false)
    static let compactLength = wire(minimalRequestHead(method: "MESSAGE", extra: "Content-Type: text/plain\nl:  11"), body: Array("hello world".utf8), contentLength: false)
    static let bodyWithBlankLines = wire(minimalRequestHead(method: "INFO"), body: crlf("\n\nline\n\n\n"))
    static let bareLF = ByteBuffer(string: minimalRequestHead() + "\nContent-Length: 3\n\nabc")

    @Test func verifierWithBodiesKeepalivesAndCompactLength() throws {
        let keepalive = ByteBuffer(string: "\r\n\r\n")
        let frames = [
            Samples.invite, Samples.ok200, Samples.bye, Samples.message, Samples.inviteCompact,
            Self.noBodyNoLength, Self.compactLength, Self.bodyWithBlankLines, Self.bareLF,
        ]
        var pairs: [(ByteBuffer, [ByteBuffer])] = frames.map { ($0, [$0]) }
        pairs.insert((keepalive, []), at: 1)
        pairs.insert((ByteBuffer(string: "\r\n"), []), at: 4)
        pairs.append((keepalive, []))
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { SIPStreamFramer() })
    }

    @Test func verifierWithSeveralMessagesInOneWrite() throws {
        var joined = ByteBuffer()
        var expected: [ByteBuffer] = []
        for message in [Samples.cancel, Samples.options, Samples.ringing180] {
            var copy = message
            joined.writeBuffer(&copy)
            joined.writeString("\r\n")  // keepalive between messages
            expected.append(message)
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(joined, expected)], decoderFactory: { SIPStreamFramer() })
    }

    @Test func framesParseWithStreamFraming() throws {
        var framer = SIPStreamFramer()
        var stream = ByteBuffer()
        for message in [Samples.invite, Self.compactLength, Self.noBodyNoLength] {
            var copy = message
            stream.writeBuffer(&copy)
        }
        var frames: [ByteBuffer] = []
        while let frame = try framer.decode(buffer: &stream) { frames.append(frame) }
        #expect(frames.count == 3)
        #expect(stream.readableBytes == 0)
        let messages = try frames.map { frame throws(SIPParseError) in try parse(frame, framing: .stream) }
        #expect(messages[1].request.map { String(buffer: $0.body) } == "hello world")
        #expect(messages[2].request?.body.readableBytes == 0)
    }

    @Test func waitsForTheWholeBody() throws {
        var framer = SIPStreamFramer()
        let message = Samples.invite
        var partial = message.getSlice(at: 0, length: message.readableBytes - 1)!
        #expect(try framer.decode(buffer: &partial) == nil)
        #expect(partial.readerIndex == 0, "nothing consumed while incomplete")
        partial.writeBytes(message.readableBytesView.suffix(1))
        #expect(try framer.decode(buffer: &partial) == message)
    }

    @Test func oversizeHeadIsMessageTooLarge() {
        var framer = SIPStreamFramer(limits: SIPParserLimits(maxMessageBytes: 512))
        var buffer = ByteBuffer(string: "INVITE sip:x SIP/2.0\r\nX-Pad: " + String(repeating: "a", count: 600))
        #expect(throws: SIPParseError(.messageTooLarge, "")) { try framer.decode(buffer: &buffer) }
    }

    @Test func headUnderLimitButBodyOverIsMessageTooLarge() {
        var framer = SIPStreamFramer(limits: SIPParserLimits(maxMessageBytes: 512))
        var buffer = wire(minimalRequestHead(extra: "Content-Length: 400"), contentLength: false)
        #expect(throws: SIPParseError(.messageTooLarge, "")) { try framer.decode(buffer: &buffer) }
        var huge = wire(minimalRequestHead(extra: "Content-Length: 9999999999"), contentLength: false)
        var framer2 = SIPStreamFramer()
        #expect(throws: SIPParseError(.messageTooLarge, "")) { try framer2.decode(buffer: &huge) }
    }

    @Test(arguments: ["-1", "abc", "+5", "", "1 2", "12345678901", "0x1"])
    func badContentLengthIsInvalid(value: String) {
        var framer = SIPStreamFramer()
        var buffer = wire(minimalRequestHead(extra: "Content-Length: \(value)"), contentLength: false)
        #expect(throws: SIPParseError(.invalidContentLength, "")) { try framer.decode(buffer: &buffer) }
    }

    @Test func readsContentLengthTheWayTheParserDoes() throws {
        // A folded continuation that looks like `l: 5` belongs to Subject, not to Content-Length.
        let folded = wire(minimalRequestHead(method: "MESSAGE", extra: "Subject: hi\n l: 5\nContent-Length: 2"), body: Array("ok".utf8), contentLength: false)
        // A folded Content-Length value.
        let foldedValue = wire(minimalRequestHead(method: "MESSAGE", extra: "Content-Length:\n 3"), body: Array("abc".utf8), contentLength: false)
        // The first Content-Length wins, in both.
        let twice = wire(minimalRequestHead(method: "MESSAGE", extra: "Content-Length: 1\nContent-Length: 4"), body: Array("x".utf8), contentLength: false)
        for input in [folded, foldedValue, twice] {
            var framer = SIPStreamFramer()
            var stream = input
            stream.writeString("OPTIONS")  // start of a next message
            let frame = try #require(try framer.decode(buffer: &stream))
            #expect(frame == input)
            let fromFrame = try parse(frame, framing: .stream)
            #expect(fromFrame == (try parse(input)))
            #expect(String(buffer: stream) == "OPTIONS")
        }
    }

    @Test func dripFeedingALargeHeadStaysCheap() throws {
        // 48 KiB of headers one byte at a time: each decode must look only at new bytes.
        let extra = (1...80).map { "X-Pad-\($0): " + String(repeating: "p", count: 600) }.joined(separator: "\n")
        let message = wire(minimalRequestHead(extra: extra))
        var framer = SIPStreamFramer()
        var buffer = ByteBuffer()
        var frames: [ByteBuffer] = []
        for byte in message.readableBytesView {
            buffer.writeInteger(byte)
            if let frame = try framer.decode(buffer: &buffer) { frames.append(frame) }
        }
        #expect(frames == [message])
    }

    @Test func decodeLastReturnsCompleteFramesOnly() throws {
        var framer = SIPStreamFramer()
        var buffer = Samples.bye
        buffer.writeString("INVITE sip:partial")
        #expect(try framer.decodeLast(buffer: &buffer, seenEOF: true) == Samples.bye)
        #expect(try framer.decodeLast(buffer: &buffer, seenEOF: true) == nil)
        #expect(String(buffer: buffer) == "INVITE sip:partial")
    }
}

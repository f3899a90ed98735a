import NIOCore
import Testing
@testable import SIPCore

@Suite("Torture corpus")
struct TortureTests {
    @Test func corpusIsLargeEnough() {
        #expect(TortureCorpus.cases.count >= 40)
        #expect(Set(TortureCorpus.cases.map(\.name)).count == TortureCorpus.cases.count, "names are unique")
    }

    @Test(arguments: TortureCorpus.cases)
    func datagram(_ torture: TortureCase) {
        let buffer = ByteBuffer(bytes: torture.bytes)
        switch torture.expectation {
        case .valid(let checks):
            do {
                let message = try parse(buffer)
                for failure in checks(message) { Issue.record("\(torture.name): \(failure)") }
                // Valid messages survive serialize → parse.
                let again = try parse(message.serialized())
                #expect(RoundTrip.equalIgnoringAddedContentLength(message, again), "\(torture.name) round trip")
            } catch {
                Issue.record("\(torture.name): unexpected \(error)")
            }
        case .invalid(let code):
            expectParseError(code, buffer)
        }
    }

    /// Through the stream framer, every corpus message is either framed and then parsed to the
    /// same verdict as the datagram, or rejected by the framer with a SIPParseError.
    @Test(arguments: TortureCorpus.cases)
    func stream(_ torture: TortureCase) throws {
        var framer = SIPStreamFramer()
        var buffer = ByteBuffer(bytes: torture.bytes)
        let frame: ByteBuffer?
        do {
            frame = try framer.decode(buffer: &buffer)
        } catch let error as SIPParseError {
            #expect([.invalidContentLength, .messageTooLarge].contains(error.code), "\(torture.name): \(error)")
            return
        }
        guard let frame else { return }  // no complete message: a stream would wait for more bytes
        switch torture.expectation {
        case .valid:
            #expect(try parse(frame, framing: .stream) == parse(ByteBuffer(bytes: torture.bytes)), "\(torture.name)")
        case .invalid:
            #expect(throws: SIPParseError.self, "\(torture.name)") { try parse(frame, framing: .stream) }
        }
    }
}

enum RoundTrip {
    /// `again` is `original` after serialize → parse: equal, except that the serializer adds a
    /// Content-Length when the original had none.
    static func equalIgnoringAddedContentLength(_ original: SIPMessage, _ again: SIPMessage) -> Bool {
        if original.headers.contains(.contentLength) { return original == again }
        var headers = again.headers
        guard headers.fields.last?.key == .contentLength else { return false }
        headers.remove(.contentLength)
        switch (original, again) {
        case (.request(let a), .request(var b)):
            b.headers = headers
            return a == b
        case (.response(let a), .response(var b)):
            b.headers = headers
            return a == b
        case (.request, .response), (.response, .request):
            return false
        }
    }
}

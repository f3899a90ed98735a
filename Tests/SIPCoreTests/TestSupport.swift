import NIOCore
import Testing
@testable import SIPCore

/// Converts every LF to CRLF, so messages can be written as readable multi-line literals.
func crlf(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 32)
    for byte in text.utf8 {
        if byte == UInt8(ascii: "\n") { out.append(UInt8(ascii: "\r")) }
        out.append(byte)
    }
    return out
}

/// Head lines (LF-separated, no trailing blank line), a computed `Content-Length` unless disabled,
/// the blank line, then the body bytes.
func wire(_ head: String, body: [UInt8] = [], contentLength: Bool = true) -> ByteBuffer {
    var bytes = crlf(head)
    bytes += Array("\r\n".utf8)
    if contentLength { bytes += Array("Content-Length: \(body.count)\r\n".utf8) }
    bytes += Array("\r\n".utf8)
    bytes += body
    return ByteBuffer(bytes: bytes)
}

/// Same as `wire`, with an SDP body whose lines are CRLF-terminated.
func wire(_ head: String, sdp: String) -> ByteBuffer {
    wire(head, body: crlf(sdp))
}

func bytes(_ buffer: ByteBuffer) -> [UInt8] {
    Array(buffer.readableBytesView)
}

func parse(_ buffer: ByteBuffer, framing: SIPParser.Framing = .datagram, limits: SIPParserLimits = .default) throws(SIPParseError) -> SIPMessage {
    try SIPParser(limits: limits).parse(buffer, framing: framing)
}

func parseRequest(_ buffer: ByteBuffer, framing: SIPParser.Framing = .datagram) throws -> SIPRequest {
    guard case .request(let request) = try parse(buffer, framing: framing) else {
        throw TestFailure("expected a request")
    }
    return request
}

func parseResponse(_ buffer: ByteBuffer, framing: SIPParser.Framing = .datagram) throws -> SIPResponse {
    guard case .response(let response) = try parse(buffer, framing: framing) else {
        throw TestFailure("expected a response")
    }
    return response
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Expects `parse` to throw exactly `code`.
func expectParseError(
    _ code: SIPParseError.Code,
    _ buffer: ByteBuffer,
    framing: SIPParser.Framing = .datagram,
    limits: SIPParserLimits = .default,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let message = try parse(buffer, framing: framing, limits: limits)
        Issue.record("expected \(code), parsed \(message)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    }
}

/// A minimal valid request head with the five mandatory headers, for mutation by tests.
func minimalRequestHead(method: String = "OPTIONS", extra: String = "") -> String {
    var head = """
    \(method) sip:gw.example.net SIP/2.0
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-min
    From: <sip:a@example.com>;tag=f1
    To: <sip:b@example.net>
    Call-ID: min-1@example.com
    CSeq: 1 \(method)
    """
    if !extra.isEmpty { head += "\n" + extra }
    return head
}

/// Deterministic RNG (SplitMix64) so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

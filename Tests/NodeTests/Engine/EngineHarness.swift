import Logging
import Metrics
import NIOCore
import NIOEmbedded
@testable import Node
import Records
import RecordStore
import SIPCore
import SIPTransport
import Testing

/// One message the engine handed to the transport, parsed back from its bytes.
struct SentMessage {
    let message: SIPMessage
    let destination: SIPDestination

    var request: SIPRequest? {
        if case .request(let request) = message { return request }
        return nil
    }

    var response: SIPResponse? {
        if case .response(let response) = message { return response }
        return nil
    }

    /// `INVITE`, `ACK`, `200`, `487` ...: a short label for comparing sequences.
    var label: String {
        switch message {
        case .request(let request): request.method.token
        case .response(let response): String(response.statusCode)
        }
    }

    var port: Int? { destination.address.port }
    var address: SocketAddress { destination.address }
}

/// A transport on an `EmbeddedEventLoop` that keeps every message sent, parsed back with `SIPParser`.
final class RecordingTransport: SIPMessageTransport {
    let loop: EmbeddedEventLoop
    var eventLoop: any EventLoop { loop }
    let parserLimits = SIPParserLimits.default
    private(set) var sent: [SentMessage] = []

    init(loop: EmbeddedEventLoop) {
        self.loop = loop
    }

    func send(_ bytes: ByteBuffer, to destination: SIPDestination) {
        do {
            let message = try SIPParser().parse(bytes)
            sent.append(SentMessage(message: message, destination: destination))
        } catch {
            Issue.record("the engine sent bytes that do not parse: \(error)\n\(String(buffer: bytes))")
        }
    }

    /// What is sent here is recorded at once, so it is "on the wire" when `send` returns.
    func whenSent(_ body: @escaping () -> Void) {
        body()
    }

    func advertisedAddress(for transport: SIPTransportProtocol) -> (host: String, port: Int)? {
        ("127.0.0.1", 5060)
    }
}

/// A `NodeEngine` with customer `c1` (127.0.0.1/32) and providers `p1` (5080) and `p2` (5081), a
/// manual clock and an in-memory sink, driven event by event.
final class EngineHarness {
    static let startMicros: Int64 = 1_700_000_000_000_000
    static let customerAddress = try! SocketAddress(ipAddress: "127.0.0.1", port: 5070)
    static let strangerAddress = try! SocketAddress(ipAddress: "192.0.2.10", port: 5070)
    static let p1Address = try! SocketAddress(ipAddress: "127.0.0.1", port: 5080)
    static let p2Address = try! SocketAddress(ipAddress: "127.0.0.1", port: 5081)

    let loop = EmbeddedEventLoop()
    let transport: RecordingTransport
    let clock = ManualMicrosecondClock(EngineHarness.startMicros)
    let sink = InMemoryRecordSink()
    let engine: NodeEngine
    private var taken = 0

    /// `rating` builds the engine's RatingBook from the final configuration (nil: every session unrated); `metrics`
    /// receives the engine's metrics (nil: the global metrics system).
    init(
        _ configure: (inout NodeConfiguration) -> Void = { _ in },
        rating: ((NodeConfiguration, Int64) throws -> RatingBook)? = nil,
        metrics: (any MetricsFactory)? = nil
    ) {
        var configuration = NodeConfiguration(
            nodeID: "node1",
            listen: [ListenAddress(transport: .udp, host: "127.0.0.1", port: 5060)],
            customers: [CustomerTrunk(id: "c1", addresses: [AddressPrefix(ipv4: 127, 0, 0, 1, prefixLength: 32)])],
            providers: [
                ProviderTrunk(id: "p1", host: "127.0.0.1", port: 5080),
                ProviderTrunk(id: "p2", host: "127.0.0.1", port: 5081, priority: 2),
            ]
        )
        configure(&configuration)
        transport = RecordingTransport(loop: loop)
        let providers = [
            ProviderTarget(id: "p1", host: "127.0.0.1", port: 5080, destination: SIPDestination(transport: .udp, address: Self.p1Address)),
            ProviderTarget(id: "p2", host: "127.0.0.1", port: 5081, destination: SIPDestination(transport: .udp, address: Self.p2Address)),
        ]
        let book: RatingBook?
        do {
            book = try rating?(configuration, Self.startMicros)
        } catch {
            Issue.record("rating book: \(error)")
            book = nil
        }
        engine = NodeEngine(
            configuration: configuration, transport: transport, sink: sink, clock: clock, providers: providers,
            logger: Logger(label: "engine-tests"), rating: book, metrics: metrics
        )
        engine.listenersBound()
    }

    deinit {
        // The loop refuses to be freed with timers still scheduled.
        try? loop.syncShutdownGracefully()
    }

    // MARK: Feeding

    func receive(_ request: SIPRequest, from address: SocketAddress = EngineHarness.customerAddress) {
        engine.transportReceived(.request(request), from: SIPSource(transport: .udp, remote: address, connection: nil))
    }

    func receive(_ response: SIPResponse, from address: SocketAddress) {
        engine.transportReceived(.response(response), from: SIPSource(transport: .udp, remote: address, connection: nil))
    }

    /// Moves the manual clock and the loop forward together in small steps, so a timer that fires
    /// reads the clock at (a step boundary at or just after) its deadline.
    func advance(by duration: Duration, step: Duration = .milliseconds(100)) {
        var remaining = duration
        while remaining > .zero {
            let increment = min(step, remaining)
            clock.advance(by: Self.micros(increment))
            loop.advanceTime(by: TimeAmount(duration: increment))
            remaining -= increment
        }
    }

    /// Microseconds since the harness started, as the clock reads now.
    var elapsedMicros: Int64 { clock.nowMicroseconds() - Self.startMicros }

    static func micros(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// Absolute clock reading `duration` after the start.
    static func at(_ duration: Duration) -> Int64 { startMicros + micros(duration) }

    // MARK: What was sent

    var allSent: [SentMessage] { transport.sent }

    /// Messages sent since the last call.
    func takeSent() -> [SentMessage] {
        let new = Array(transport.sent[taken...])
        taken = transport.sent.count
        return new
    }
}

extension [SentMessage] {
    var labels: [String] { map(\.label) }

    /// `label→port` for each message, e.g. `INVITE→5080`, `200→5070`.
    var routed: [String] { map { "\($0.label)→\($0.port ?? 0)" } }
}

// MARK: - Building messages

enum SIPText {
    /// Parses a request from its start line and header lines (joined with CRLF) and a body kept
    /// byte for byte; Content-Type (when there is a body) and Content-Length are added.
    static func request(_ lines: [String], body: String = "", contentType: String = "application/sdp") -> SIPRequest {
        var head = lines
        if !body.isEmpty { head.append("Content-Type: \(contentType)") }
        head.append("Content-Length: \(body.utf8.count)")
        let wire = head.joined(separator: "\r\n") + "\r\n\r\n" + body
        do {
            guard case .request(let request) = try SIPParser().parse(ByteBuffer(string: wire)) else {
                fatalError("not a request:\n\(wire)")
            }
            return request
        } catch {
            fatalError("test message does not parse: \(error)\n\(wire)")
        }
    }
}

/// The customer's side of one call: builds its requests the way a UAC would.
struct CustomerCall {
    static let offer = "v=0\no=alice 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 6000 RTP/AVP 0\n"

    var callID = "a-leg-1@127.0.0.1"
    var fromTag = "cust-tag"
    var caller = "15550001111"
    var callee = "15551234567"
    var inviteBranch = "z9hG4bK-cust-inv-1"
    var maxForwards = 70
    var extraHeaders: [String] = []
    var method = "INVITE"
    var body = CustomerCall.offer
    var contentType = "application/sdp"
    /// Our To tag, learned from the node's responses.
    var toTag: String?

    private func lines(_ lines: [String], body: String) -> SIPRequest {
        SIPText.request(lines, body: body, contentType: contentType)
    }

    private var fromLine: String { "From: \"Alice\" <sip:\(caller)@127.0.0.1:5070>;tag=\(fromTag)" }

    private func toLine(tagged: Bool) -> String {
        if tagged, let toTag { return "To: <sip:\(callee)@127.0.0.1:5060>;tag=\(toTag)" }
        return "To: <sip:\(callee)@127.0.0.1:5060>"
    }

    /// The initial INVITE (or MESSAGE, with `method`).
    func invite() -> SIPRequest {
        lines([
            "\(method) sip:\(callee)@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=\(inviteBranch);rport",
            "Max-Forwards: \(maxForwards)",
            fromLine,
            toLine(tagged: false),
            "Call-ID: \(callID)",
            "CSeq: 1 \(method)",
            "Contact: <sip:alice@127.0.0.1:5070>",
        ] + extraHeaders, body: body)
    }

    /// CANCEL for the INVITE: same branch, CSeq 1 CANCEL.
    func cancel() -> SIPRequest {
        lines([
            "CANCEL sip:\(callee)@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=\(inviteBranch);rport",
            "Max-Forwards: 70",
            fromLine,
            toLine(tagged: false),
            "Call-ID: \(callID)",
            "CSeq: 1 CANCEL",
        ], body: "")
    }

    /// ACK for a 2xx (new branch) or, with `branch: inviteBranch`, for a non-2xx final.
    func ack(cseq: Int = 1, branch: String = "z9hG4bK-cust-ack-1", body: String = "") -> SIPRequest {
        lines([
            "ACK sip:\(callee)@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=\(branch);rport",
            "Max-Forwards: 70",
            fromLine,
            toLine(tagged: true),
            "Call-ID: \(callID)",
            "CSeq: \(cseq) ACK",
        ], body: body)
    }

    /// A request inside the dialog (BYE, re-INVITE, INFO, UPDATE).
    func inDialog(_ method: String, cseq: Int, branch: String, headers: [String] = [], body: String = "", contentType: String? = nil) -> SIPRequest {
        var call = self
        if let contentType { call.contentType = contentType }
        return call.lines([
            "\(method) sip:\(callee)@127.0.0.1:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=\(branch);rport",
            "Max-Forwards: 70",
            fromLine,
            toLine(tagged: true),
            "Call-ID: \(callID)",
            "CSeq: \(cseq) \(method)",
            "Contact: <sip:alice@127.0.0.1:5070>",
        ] + headers, body: body)
    }

    func bye(cseq: Int = 2, branch: String = "z9hG4bK-cust-bye-1") -> SIPRequest {
        inDialog("BYE", cseq: cseq, branch: branch)
    }
}

/// Builds what a provider or the customer answers to a request the node sent.
enum Reply {
    static let answer = "v=0\no=bob 2 2 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 7000 RTP/AVP 0\n"

    /// A response to `request`: Via/From/To/Call-ID/CSeq copied, `toTag` added when To has none.
    static func to(
        _ request: SIPRequest, _ code: Int, toTag: String? = "prov-tag", contact: String? = "<sip:bob@127.0.0.1:5080>",
        headers: [(String, String)] = [], body: String = "", contentType: String = "application/sdp"
    ) -> SIPResponse {
        var response = SIPResponse(replyingTo: request, statusCode: code, toTag: toTag)
        if let contact, code > 100, code < 300 { response.headers.append("Contact", contact) }
        for (name, value) in headers { response.headers.append(name, value) }
        if !body.isEmpty {
            response.headers.append("Content-Type", contentType)
            response.body = ByteBuffer(string: body)
        }
        response.headers.append("Content-Length", String(body.utf8.count))
        return response
    }
}

extension SIPRequest {
    var bodyText: String { String(buffer: body) }
}

extension SIPResponse {
    var bodyText: String { String(buffer: body) }
}

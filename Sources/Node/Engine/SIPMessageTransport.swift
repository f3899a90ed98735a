import NIOCore
import SIPCore
import SIPTransport

/// What the engine needs from a transport: an event loop to live on, a way to send, the
/// parser limits and the addresses to advertise. `SIPTransportLayer` is the real one; tests
/// drive the engine on an `EmbeddedEventLoop` with a transport that records what was sent.
protocol SIPMessageTransport: AnyObject {
    var eventLoop: any EventLoop { get }
    var parserLimits: SIPParserLimits { get }
    func send(_ bytes: ByteBuffer, to destination: SIPDestination)
    /// Runs `body` once what was sent so far has really been handed to the kernel (the UDP transport writes a loop
    /// tick's datagrams together); the setup-delay metrics stamp their end there.
    func whenSent(_ body: @escaping () -> Void)
    func advertisedAddress(for transport: SIPTransportProtocol) -> (host: String, port: Int)?
}

extension SIPMessageTransport {
    func send(_ message: SIPMessage, to destination: SIPDestination) {
        send(message.serialized(), to: destination)
    }
}

extension SIPTransportLayer: SIPMessageTransport {
    var parserLimits: SIPParserLimits { parser.limits }
}

import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends datagrams straight to a UDP socket's descriptor; NIO only reads from that socket.
///
/// Why not NIO's write path: NIO closes a datagram channel on any send error other than EMSGSIZE and
/// EHOSTUNREACH (`PendingDatagramWritesManager`). One Contact naming a broadcast address (EACCES), a missing
/// route (ENETUNREACH), a firewall rule (EPERM) or a moment without kernel buffers (ENOBUFS) closed the node's
/// SIP socket and stopped all traffic. Here a refused datagram fails alone and the socket stays open. It is
/// also cheaper per message: no promise, envelope or pipeline walk per send.
///
// @unchecked Sendable: confined to the transport's event loop, like the channel that owns the descriptor (the
// bootstrap's initializer closure only hands it to the channel's handler there).
final class UDPDatagramSender: @unchecked Sendable {
    enum Outcome {
        case sent
        /// The socket's send buffer is full; the datagram was not sent.
        case wouldBlock
        case failed(IOError)
    }

    private let descriptor: CInt
    /// False once NIO has closed the socket (its channel went inactive): the descriptor number may be reused.
    private(set) var isOpen = true

    init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    /// NIO closed the descriptor; nothing is sent through it any more.
    func markClosed() {
        isOpen = false
    }

    func send(_ bytes: ByteBuffer, to address: SocketAddress) -> Outcome {
        guard isOpen else { return .failed(IOError(errnoCode: EBADF, reason: "sendto(2) on a closed socket")) }
        return bytes.withUnsafeReadableBytes { datagram in
            address.withSockAddr { socketAddress, size in
                while true {
                    if sendto(descriptor, datagram.baseAddress, datagram.count, 0, socketAddress, socklen_t(size)) >= 0 {
                        return .sent
                    }
                    let code = errno
                    switch code {
                    case EINTR: continue
                    case EAGAIN, EWOULDBLOCK: return .wouldBlock
                    default: return .failed(IOError(errnoCode: code, reason: "sendto(2)"))
                    }
                }
            }
        }
    }
}

public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sockets bound here and handed to NIO (`withBoundSocket`) instead of bound by a bootstrap.
///
/// NIO creates its sockets without SOCK_CLOEXEC on Linux: every child process started while the socket is open
/// (the test suite's nats-server, sshd and sipp; an operator's hook) inherits it and keeps the port bound after the
/// node closed its copy. Binding here also leaves the descriptor known to the caller, which the UDP transport
/// needs to send without going through NIO's write path (see `UDPDatagramSender`).
public enum CloseOnExecSocket {
    public enum Kind: Sendable {
        case stream
        case datagram
    }

    /// A non-blocking, close-on-exec socket bound to `host`:`port` (an IP address or a name resolved now).
    /// Throws NIO's `IOError` with the failing call's name, as a bootstrap's bind would.
    public static func bound(_ kind: Kind, host: String, port: Int, reuseAddress: Bool) throws -> NIOBSDSocket.Handle {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family = address.protocol == .inet6 ? AF_INET6 : AF_INET
        #if canImport(Glibc) || canImport(Musl)
        let base = kind == .stream ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        let type = base | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        #else
        let type = kind == .stream ? SOCK_STREAM : SOCK_DGRAM
        #endif
        let descriptor = socket(family, type, 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket(domain:type:protocol:)") }
        if reuseAddress {
            var one: Int32 = 1
            _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let result = address.withSockAddr { pointer, size in bind(descriptor, pointer, socklen_t(size)) }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "bind(descriptor:ptr:bytes:)")
        }
        return descriptor
    }
}

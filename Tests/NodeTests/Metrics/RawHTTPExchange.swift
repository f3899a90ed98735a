import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bare TCP client for the metrics endpoint tests: sends bytes exactly as written (malformed, oversized, pipelined
/// requests that an HTTP library would not send) and reports what came back and whether the server closed.
enum RawHTTPExchange {
    struct Outcome {
        var text: String
        /// The server closed the connection (read returned 0) before `quietTimeout` of silence.
        var closedByServer: Bool
    }

    struct SocketError: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "\(call): errno \(code)" }
    }

    /// Connects to 127.0.0.1:`port`, sends `request`, reads until the server closes or stays silent for
    /// `quietTimeout` seconds. Runs on a Dispatch thread so the blocking socket never holds a Swift concurrency thread.
    static func send(_ request: String, port: Int, quietTimeout: Int = 1) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingSend(request, port: port, quietTimeout: quietTimeout) })
            }
        }
    }

    private static func blockingSend(_ request: String, port: Int, quietTimeout: Int) throws -> Outcome {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: quietTimeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // struct sockaddr_in for 127.0.0.1:port, written out byte by byte: family (host order), port (network
        // order), address, zero padding. (Its fields are not visible to this module under MemberImportVisibility.)
        let family = UInt16(AF_INET)
        var address: [UInt8] = [
            UInt8(family & 0xFF), UInt8(family >> 8), UInt8(port >> 8), UInt8(port & 0xFF), 127, 0, 0, 1,
        ] + [UInt8](repeating: 0, count: 8)
        #if canImport(Darwin)
        address[0] = 16
        address[1] = UInt8(AF_INET)
        #endif
        let connected = address.withUnsafeMutableBytes { raw in
            connect(fd, raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        guard connected == 0 else { throw SocketError(call: "connect", code: errno) }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            // The server may close mid-request (an oversized one); what it answered is still to be read.
            guard n > 0 else { break }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                received.append(contentsOf: buffer[0..<n])
            } else if n == 0 {
                return Outcome(text: String(decoding: received, as: UTF8.self), closedByServer: true)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return Outcome(text: String(decoding: received, as: UTF8.self), closedByServer: false)
            } else if errno == ECONNRESET {
                return Outcome(text: String(decoding: received, as: UTF8.self), closedByServer: true)
            } else if errno != EINTR {
                throw SocketError(call: "read", code: errno)
            }
        }
    }
}

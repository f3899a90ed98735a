import Foundation
import Glibc

/// One SIP request over a fresh TCP connection from a chosen loopback source address, and its first final
/// response: how the tests play a forger or a stranger on the admin plane.
enum RawSIPExchange {
    /// Sends `request` to 127.0.0.1:`port` from `sourceIP` and returns the first non-1xx response's text.
    static func send(_ request: [UInt8], toPort port: Int, from sourceIP: String, timeout: Duration = .seconds(30)) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var local = address(sourceIP, port: 0)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw HarnessError("bind \(sourceIP): \(String(cString: strerror(errno)))") }
        var remote = address("127.0.0.1", port: port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to \(port): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < request.count {
            let written = request[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw HarnessError("write: \(String(cString: strerror(errno)))") }
            offset += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw HarnessError("no response (\(count)): \(String(decoding: received, as: UTF8.self))") }
            received.append(contentsOf: buffer[0..<count])
            // Responses are read whole: headers, then Content-Length bytes of body.
            while let response = complete(&received) {
                if !response.hasPrefix("SIP/2.0 1") { return response }
            }
        }
    }

    /// A PUBLISH of `body` as node `node` to the admin plane on `port`.
    static func publish(body: [UInt8], node: String, port: Int, via sourceIP: String, event: String = "sipswarm-checkpoint") -> [UInt8] {
        let head = [
            "PUBLISH sip:audit@127.0.0.1:\(port);transport=tcp SIP/2.0",
            "Via: SIP/2.0/TCP \(sourceIP):5999;branch=z9hG4bK-forge-\(UUID().uuidString.prefix(8))",
            "Max-Forwards: 70",
            "From: <sip:audit@\(sourceIP)>;tag=forger",
            "To: <sip:audit@127.0.0.1:\(port)>",
            "Call-ID: \(UUID().uuidString)@forger",
            "CSeq: 1 PUBLISH",
            "X-BF-Node: \(node)",
            "Event: \(event)",
            "Expires: 3",
            "Content-Type: application/sipswarm-checkpoint+json",
            "Content-Length: \(body.count)",
        ].joined(separator: "\r\n") + "\r\n\r\n"
        return Array(head.utf8) + body
    }

    private static func complete(_ bytes: inout [UInt8]) -> String? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0...max(0, bytes.count - 4)).first(where: { bytes.count >= 4 && Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let length = head.split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        let message = String(decoding: bytes[..<(end + 4 + length)], as: UTF8.self)
        bytes.removeFirst(end + 4 + length)
        return message
    }

    private static func address(_ ip: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, ip, &address.sin_addr)
        return address
    }
}

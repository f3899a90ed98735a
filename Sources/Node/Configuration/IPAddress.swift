#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address family.
public enum IPAddressFamily: Sendable, Hashable {
    case ipv4
    case ipv6

    /// Address width in bits.
    public var bitCount: Int {
        switch self {
        case .ipv4: 32
        case .ipv6: 128
        }
    }
}

// A numeric IPv4 or IPv6 address in network byte order, parsed with inet_pton so that
// exactly the textual forms the socket layer accepts are accepted here.
struct IPAddress: Hashable, Sendable {
    var family: IPAddressFamily
    var bytes: [UInt8]

    init(family: IPAddressFamily, bytes: [UInt8]) {
        self.family = family
        self.bytes = bytes
    }

    init?(parsing text: String) {
        // inet_pton reads a C string: an embedded NUL would silently cut the input short.
        guard !text.isEmpty, text.utf8.count <= 64, !text.utf8.contains(0) else { return nil }
        if !text.contains(":") {
            var v4 = in_addr()
            guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
            self.family = .ipv4
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else {
            var v6 = in6_addr()
            guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
            self.family = .ipv6
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
        }
    }

    /// The embedded IPv4 address of an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), as a dual-stack socket reports it.
    var unmappedIPv4: IPAddress? {
        guard self.family == .ipv6,
              self.bytes.prefix(10).allSatisfy({ $0 == 0 }),
              self.bytes[10] == 0xFF, self.bytes[11] == 0xFF
        else { return nil }
        return IPAddress(family: .ipv4, bytes: Array(self.bytes.suffix(4)))
    }

    var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let af: Int32 = switch self.family {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
        let ok = self.bytes.withUnsafeBytes { raw in
            inet_ntop(af, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

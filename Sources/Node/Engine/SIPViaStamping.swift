import NIOCore
import Logging
import SIPCore
import SIPTransport

/// RFC 3261 §18.2.1 `received` and RFC 3581 `rport` on the topmost Via of an inbound request,
/// so responses can be routed back to where the request really came from.
enum SIPViaStamping {
    /// Stamps the top Via and returns its identity (nil when absent or unparsable), so the engine keys the server
    /// transaction on this read instead of reading the same Via again. Stamping only adds parameters: branch and
    /// sent-by are the ones the peer sent.
    @discardableResult
    static func stampReceived(on request: inout SIPRequest, from source: SIPSource) -> SIPVia.Identity? {
        guard let first = request.headers.firstValue(.via), let identity = SIPVia.identity(in: first) else { return nil }
        // The usual request needs no stamp: its Via names the IPv4 address it came from, and that is checked on the
        // address's bytes. Formatting the address (`inet_ntop` and a String) and building the Via are left to
        // requests that need them.
        let sameIPv4 = isCanonicalIPv4(identity.host, of: source.remote)
        if sameIPv4 && !identity.hasRport { return identity }
        guard let ip = source.remote.ipAddress, var via = try? SIPVia(parsing: first) else { return identity }
        var changed = false
        if !sameIPv4 && !host(via.host, is: ip) {
            via.parameters.set("received", ip)
            changed = true
        }
        if via.parameters.contains("rport"), let port = source.remote.port {
            via.parameters.set("rport", String(port))
            if !changed { via.parameters.set("received", ip) }
            changed = true
        }
        guard changed else { return identity }
        request.headers.removeFirstValue(.via)
        request.headers.prepend("Via", via.description)
        return via.identity
    }

    /// Whether `host` is `remote`'s IPv4 address written as `inet_ntop` writes it (dotted decimal, no leading zeros),
    /// so that it says exactly what comparing with `remote.ipAddress` would, without formatting the address.
    static func isCanonicalIPv4(_ host: String, of remote: SocketAddress) -> Bool {
        guard case .v4(let address) = remote else { return false }
        // sockaddr_in is family (2 bytes), port (2), then the address in network order (4); read as bytes because
        // its C members are not visible here.
        let expected = withUnsafeBytes(of: address.address) { raw in
            raw.count >= 8 ? UInt32(raw[4]) << 24 | UInt32(raw[5]) << 16 | UInt32(raw[6]) << 8 | UInt32(raw[7]) : nil
        }
        guard let expected else { return false }
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        var leadingZero = false
        for byte in host.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return false }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
                leadingZero = false
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                guard !leadingZero, digits < 3 else { return false }
                leadingZero = digits == 0 && byte == UInt8(ascii: "0")
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard part <= 255 else { return false }
                digits += 1
            } else {
                return false
            }
        }
        guard digits > 0, parts == 3 else { return false }
        return value << 8 | part == expected
    }

    /// Whether a Via host names `ip`, an IPv6 reference compared without its brackets; no String is
    /// built for the usual unbracketed host (this runs for every request).
    private static func host(_ host: String, is ip: String) -> Bool {
        guard host.utf8.first == UInt8(ascii: "[") || host.utf8.last == UInt8(ascii: "]") else { return host == ip }
        return host.trimmingCharacters(in: "[]") == ip
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var result = Substring(self)
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return String(result)
    }
}

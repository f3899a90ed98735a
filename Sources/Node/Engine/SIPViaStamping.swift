import NIOCore
import Logging
import SIPCore
import SIPTransport

/// RFC 3261 §18.2.1 `received` and RFC 3581 `rport` on the topmost Via of an inbound request,
/// so responses can be routed back to where the request really came from.
enum SIPViaStamping {
    /// Stamps the top Via and returns it as it now stands (nil when absent or unparsable), so the
    /// engine keys the server transaction on this parse instead of parsing the same Via again.
    /// Stamping only adds parameters: branch and sent-by are the ones the peer sent.
    @discardableResult
    static func stampReceived(on request: inout SIPRequest, from source: SIPSource) -> SIPVia? {
        guard let first = request.headers.firstValue(.via), var via = try? SIPVia(parsing: first) else { return nil }
        guard let ip = source.remote.ipAddress else { return via }
        var changed = false
        if !host(via.host, is: ip) {
            via.parameters.set("received", ip)
            changed = true
        }
        if via.parameters.contains("rport"), let port = source.remote.port {
            via.parameters.set("rport", String(port))
            if !changed { via.parameters.set("received", ip) }
            changed = true
        }
        guard changed else { return via }
        request.headers.removeFirstValue(.via)
        request.headers.prepend("Via", via.description)
        return via
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

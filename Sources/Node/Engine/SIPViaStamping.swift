import NIOCore
import Logging
import SIPCore
import SIPTransport

/// RFC 3261 §18.2.1 `received` and RFC 3581 `rport` on the topmost Via of an inbound request,
/// so responses can be routed back to where the request really came from.
enum SIPViaStamping {
    static func stampReceived(on request: inout SIPRequest, from source: SIPSource) {
        guard let first = request.headers.firstValue(.via), var via = try? SIPVia(parsing: first),
              let ip = source.remote.ipAddress else { return }
        var changed = false
        if via.host.trimmingCharacters(in: "[]") != ip {
            via.parameters.set("received", ip)
            changed = true
        }
        if via.parameters.contains("rport"), let port = source.remote.port {
            via.parameters.set("rport", String(port))
            if !changed { via.parameters.set("received", ip) }
            changed = true
        }
        guard changed else { return }
        request.headers.removeFirstValue(.via)
        request.headers.prepend("Via", via.description)
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

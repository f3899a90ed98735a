import NIOCore
import Logging
import SIPCore
import SIPTransport

/// One leg's dialog as this node sees it (RFC 3261 §12): what goes into requests the node sends
/// on that leg, and where they go.
struct Dialog {
    let callID: String
    /// Our From for requests we send on this leg (includes our tag).
    let localHeader: String
    /// Our To for requests we send on this leg (includes the peer's tag once known).
    var remoteHeader: String
    var localCSeq: UInt32
    /// The peer's Contact URI: Request-URI of in-dialog requests.
    var remoteTarget: SIPURI
    /// Route headers for in-dialog requests (from Record-Route).
    var routeSet: [String]
    /// Where in-dialog requests are sent: the customer's source flow or the provider trunk.
    let destination: SIPDestination

    mutating func nextCSeq() -> UInt32 {
        localCSeq &+= 1
        return localCSeq
    }
}

/// Names and spellings of headers the B2BUA owns itself and never copies between legs.
enum HeaderPolicy {
    static let notCopied = SIPHeaderNameSet([
        .via, .route, .recordRoute, .contact, .callID, .cseq, .from, .to, .maxForwards,
        .contentLength, .userAgent, .server, SIPHeaderName("authorization"), SIPHeaderName("proxy-authorization"),
        SIPHeaderName("www-authenticate"), SIPHeaderName("proxy-authenticate"), SIPHeaderName("record-route"),
    ])

    /// Copies the end-to-end headers (and body) of one leg's message onto the other's.
    static func copyEndToEnd(_ source: SIPHeaders, into target: inout SIPHeaders) {
        // The line as it is: its name is already normalised (append(name, value) normalised it again). Lines are
        // read in place; `for field in` copied each one before the test, retaining its three strings.
        source.fields.withUnsafeBufferPointer { fields in
            for index in fields.indices where !notCopied.contains(fields[index].key) {
                target.append(fields[index])
            }
        }
    }
}

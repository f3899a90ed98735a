/// A timer that a transaction state machine asks its driver to run (RFC 3261 §17 Table 4, RFC 6026).
public enum TransactionTimer: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Client INVITE request retransmission (unreliable transports only).
    case a
    /// Client INVITE transaction timeout.
    case b
    /// Client INVITE wait for retransmitted non-2xx final responses.
    case d
    /// Client non-INVITE request retransmission (unreliable transports only).
    case e
    /// Client non-INVITE transaction timeout.
    case f
    /// Server INVITE non-2xx final response retransmission (unreliable transports only).
    case g
    /// Server INVITE wait for ACK to a non-2xx final response.
    case h
    /// Server INVITE wait for retransmitted ACKs.
    case i
    /// Server non-INVITE wait for retransmitted requests.
    case j
    /// Client non-INVITE wait for retransmitted responses.
    case k
    /// Server INVITE wait in Accepted for 2xx retransmissions from the TU (RFC 6026).
    case l
    /// Client INVITE wait in Accepted for retransmitted 2xx responses (RFC 6026).
    case m
    /// UAS core 2xx retransmission (RFC 3261 §13.3.1.4).
    case retransmit2xx
    /// UAS core give-up on an unacknowledged 2xx after 64*T1 (RFC 3261 §13.3.1.4).
    case ack2xxTimeout

    public var description: String {
        switch self {
        case .a: "A"
        case .b: "B"
        case .d: "D"
        case .e: "E"
        case .f: "F"
        case .g: "G"
        case .h: "H"
        case .i: "I"
        case .j: "J"
        case .k: "K"
        case .l: "L"
        case .m: "M"
        case .retransmit2xx: "2xx-retransmit"
        case .ack2xxTimeout: "2xx-ack-timeout"
        }
    }

    /// The timer's position in declaration order, `0 ..< allCases.count`: a bit number or a tag that names it.
    public var ordinal: Int {
        switch self {
        case .a: 0
        case .b: 1
        case .d: 2
        case .e: 3
        case .f: 4
        case .g: 5
        case .h: 6
        case .i: 7
        case .j: 8
        case .k: 9
        case .l: 10
        case .m: 11
        case .retransmit2xx: 12
        case .ack2xxTimeout: 13
        }
    }

    /// The timer whose `ordinal` is `ordinal`; nil for a number no timer has.
    public init?(ordinal: Int) {
        guard Self.declarationOrder.indices.contains(ordinal) else { return nil }
        self = Self.declarationOrder[ordinal]
    }

    // `allCases` builds its array on every use; timers fire thousands of times a second.
    private static let declarationOrder = TransactionTimer.allCases
}

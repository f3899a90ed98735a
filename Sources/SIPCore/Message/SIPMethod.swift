/// A SIP request method (RFC 3261 §7.1 and extensions); unknown methods are kept verbatim.
public enum SIPMethod: Sendable, Hashable, CustomStringConvertible {
    case invite, ack, bye, cancel, options, register, message, info, update, prack
    case subscribe, notify, publish, refer
    case other(String)

    /// Parses a method token; method names are case-sensitive (RFC 3261 §7.1).
    public init(_ token: String) {
        switch token {
        case "INVITE": self = .invite
        case "ACK": self = .ack
        case "BYE": self = .bye
        case "CANCEL": self = .cancel
        case "OPTIONS": self = .options
        case "REGISTER": self = .register
        case "MESSAGE": self = .message
        case "INFO": self = .info
        case "UPDATE": self = .update
        case "PRACK": self = .prack
        case "SUBSCRIBE": self = .subscribe
        case "NOTIFY": self = .notify
        case "PUBLISH": self = .publish
        case "REFER": self = .refer
        default: self = .other(token)
        }
    }

    /// The method token as it appears on the wire.
    public var token: String {
        switch self {
        case .invite: "INVITE"
        case .ack: "ACK"
        case .bye: "BYE"
        case .cancel: "CANCEL"
        case .options: "OPTIONS"
        case .register: "REGISTER"
        case .message: "MESSAGE"
        case .info: "INFO"
        case .update: "UPDATE"
        case .prack: "PRACK"
        case .subscribe: "SUBSCRIBE"
        case .notify: "NOTIFY"
        case .publish: "PUBLISH"
        case .refer: "REFER"
        case .other(let token): token
        }
    }

    public var description: String { token }
}

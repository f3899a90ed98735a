/// An SSH_FXP_STATUS code. A struct, not an enum: servers send codes beyond version 3's nine.
public struct SFTPStatusCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ok = Self(rawValue: 0)
    public static let eof = Self(rawValue: 1)
    public static let noSuchFile = Self(rawValue: 2)
    public static let permissionDenied = Self(rawValue: 3)
    public static let failure = Self(rawValue: 4)
    public static let badMessage = Self(rawValue: 5)
    public static let noConnection = Self(rawValue: 6)
    public static let connectionLost = Self(rawValue: 7)
    public static let operationUnsupported = Self(rawValue: 8)

    public var description: String {
        switch rawValue {
        case 0: "SSH_FX_OK"
        case 1: "SSH_FX_EOF"
        case 2: "SSH_FX_NO_SUCH_FILE"
        case 3: "SSH_FX_PERMISSION_DENIED"
        case 4: "SSH_FX_FAILURE"
        case 5: "SSH_FX_BAD_MESSAGE"
        case 6: "SSH_FX_NO_CONNECTION"
        case 7: "SSH_FX_CONNECTION_LOST"
        case 8: "SSH_FX_OP_UNSUPPORTED"
        default: "SSH_FX_\(rawValue)"
        }
    }
}

/// The body of an SSH_FXP_STATUS answer.
public struct SFTPStatus: Hashable, Sendable {
    public var code: SFTPStatusCode
    public var message: String
    public var languageTag: String

    public init(code: SFTPStatusCode, message: String = "", languageTag: String = "") {
        self.code = code
        self.message = message
        self.languageTag = languageTag
    }
}

/// SSH_FXP_OPEN `pflags`.
public struct SFTPOpenFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let read = Self(rawValue: 0x01)
    public static let write = Self(rawValue: 0x02)
    public static let append = Self(rawValue: 0x04)
    public static let create = Self(rawValue: 0x08)
    public static let truncate = Self(rawValue: 0x10)
    public static let exclusive = Self(rawValue: 0x20)
}

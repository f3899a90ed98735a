/// A configuration value (address, prefix, port, transport) that could not be parsed.
public struct ConfigurationValueError: Error, Sendable, CustomStringConvertible {
    /// What kind of value was refused; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidAddressPrefix
            case invalidIPAddress
            case invalidHostPort
            case invalidPort
            case invalidListenAddress
            case unknownTransport
            case invalidHTTPPath
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Not an IPv4/IPv6 address or CIDR prefix, or host bits set below the prefix.
        public static let invalidAddressPrefix = Code(.invalidAddressPrefix)
        /// Not an IPv4/IPv6 address.
        public static let invalidIPAddress = Code(.invalidIPAddress)
        /// Not `host:port` (IPv6 hosts in brackets).
        public static let invalidHostPort = Code(.invalidHostPort)
        /// A port outside 1...65535.
        public static let invalidPort = Code(.invalidPort)
        /// Not `transport:host:port`.
        public static let invalidListenAddress = Code(.invalidListenAddress)
        /// A transport other than `udp` or `tcp`.
        public static let unknownTransport = Code(.unknownTransport)
        /// Not an absolute HTTP path of visible ASCII without query or fragment (`[metrics] path`).
        public static let invalidHTTPPath = Code(.invalidHTTPPath)

        public var description: String { self.base.rawValue }
    }

    /// What kind of value was refused.
    public var code: Code
    /// One line saying what was expected and what was found.
    public var reason: String
    /// Source file that raised the error.
    public var file: String
    /// Source line that raised the error.
    public var line: Int

    /// Creates an error; the source location defaults to the caller.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { self.reason }
}

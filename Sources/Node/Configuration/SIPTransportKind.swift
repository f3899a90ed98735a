/// The transport a listener or provider trunk uses.
public enum SIPTransportKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case udp
    case tcp

    /// Parses `udp` or `tcp` (lower case, as written in the configuration file).
    public init(parsing text: String) throws(ConfigurationValueError) {
        guard let kind = SIPTransportKind(rawValue: text) else {
            let allowed = SIPTransportKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            throw ConfigurationValueError(.unknownTransport, "expected \(allowed), got \(quoted(text))")
        }
        self = kind
    }

    public var description: String { self.rawValue }
}

extension SIPVia {
    /// What a transaction layer reads from a top Via: the branch, the sent-by and whether `rport` was asked for.
    ///
    /// The engine reads these from the top Via of every message it receives. Read by the scan the parser already
    /// validates with, they cost no parameter list and no host string (`SIPVia(parsing:)` builds both).
    public struct Identity: Sendable, Hashable {
        /// The `branch` parameter; nil when absent or a flag.
        public var branch: String?
        /// The sent-by host as written (an IPv6 reference keeps its brackets).
        public var host: String
        /// The sent-by port; nil when not written.
        public var port: Int?
        /// Whether the element carries `rport` (with or without a value).
        public var hasRport: Bool

        /// `host:port` as written, like `SIPVia.sentBy`.
        public var sentBy: String { SIPVia.sentBy(host: host, port: port) }
    }

    /// The identity of this Via element.
    public var identity: Identity {
        Identity(branch: branch, host: host, port: port, hasRport: parameters.contains("rport"))
    }

    /// `(try? SIPVia(parsing: text))?.identity`, without building the Via.
    public static func identity(in text: some StringProtocol) -> Identity? {
        text.withSIPBytes { bytes in
            guard let scanned = try? scan(bytes, bytes.all) else { return nil }
            return Identity(
                branch: SIPParameters.value(named: "branch", in: bytes, scanned.parameters) ?? nil,
                host: bytes.string(scanned.host),
                port: scanned.port,
                hasRport: SIPParameters.value(named: "rport", in: bytes, scanned.parameters) != nil
            )
        }
    }

    /// `(try? SIPVia(parsing: text))?.branch`, without building the Via: the engine matches every response to its
    /// client transaction by this alone.
    public static func branch(in text: some StringProtocol) -> String? {
        text.withSIPBytes { bytes in
            guard let scanned = try? scan(bytes, bytes.all) else { return nil }
            return SIPParameters.value(named: "branch", in: bytes, scanned.parameters) ?? nil
        }
    }
}

extension SIPResponse {
    /// The topmost Via's branch (`topVia?.branch`), read without building the Via.
    public var topViaBranch: String? {
        headers.firstValue(.via).flatMap { SIPVia.branch(in: $0) }
    }
}

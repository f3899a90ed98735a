/// SIP protocol timers and limits (`[sip]`).
public struct SIPSettings: Sendable, Hashable {
    /// RFC 3261 T1, round-trip estimate; retransmissions start here.
    public var t1: Duration
    /// RFC 3261 T2, cap on non-INVITE request and INVITE response retransmit interval.
    public var t2: Duration
    /// RFC 3261 T4, how long a message may stay in the network.
    public var t4: Duration
    /// No final answer from a provider within this time counts as 408 and fails over.
    public var providerTimeout: Duration
    /// Longest wait from the first 18x to an answer before giving up on that provider.
    public var ringTimeout: Duration
    /// Largest SIP message accepted, in bytes.
    public var maxMessageBytes: Int
    /// Most header fields accepted in one message.
    public var maxHeaders: Int
    /// Longest start line or header line accepted, in bytes.
    public var maxLineBytes: Int
    /// RFC 4028 session interval the node asks for.
    public var sessionExpires: Duration
    /// RFC 4028 smallest session interval the node accepts (Min-SE).
    public var minSessionExpires: Duration
    /// Value of the User-Agent and Server headers.
    public var userAgent: String

    /// Creates settings; every argument defaults to the documented default.
    public init(
        t1: Duration = .milliseconds(500),
        t2: Duration = .milliseconds(4000),
        t4: Duration = .milliseconds(5000),
        providerTimeout: Duration = .milliseconds(32000),
        ringTimeout: Duration = .seconds(120),
        maxMessageBytes: Int = 65535,
        maxHeaders: Int = 256,
        maxLineBytes: Int = 8192,
        sessionExpires: Duration = .seconds(1800),
        minSessionExpires: Duration = .seconds(90),
        userAgent: String = "SIPswarm"
    ) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
        self.providerTimeout = providerTimeout
        self.ringTimeout = ringTimeout
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaders = maxHeaders
        self.maxLineBytes = maxLineBytes
        self.sessionExpires = sessionExpires
        self.minSessionExpires = minSessionExpires
        self.userAgent = userAgent
    }
}

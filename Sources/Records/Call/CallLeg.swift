/// The SIP facts of one leg (A: customer side, B: provider side); every field is optional where unknown.
public struct CallLeg: CanonicalBlockValue {
    /// The leg's Call-ID.
    public let callID: String?
    /// The node's tag on this leg.
    public let localTag: String?
    /// The peer's tag on this leg.
    public let remoteTag: String?
    /// The From URI as sent or received, user part kept.
    public let fromURI: String?
    /// The To URI as sent or received, user part kept.
    public let toURI: String?
    /// The P-Asserted-Identity value, if any.
    public let pAssertedIdentity: String?
    /// Where the leg's requests came from, e.g. `udp:127.0.0.1:5060`.
    public let source: String?
    /// Where the leg's requests went, e.g. `udp:127.0.0.1:5080`.
    public let destination: String?
    /// The transport the leg used.
    public let transport: SignalingTransport?
    /// The peer's User-Agent or Server header.
    public let userAgent: String?

    /// Creates a leg; leave unknown facts nil.
    public init(
        callID: String? = nil,
        localTag: String? = nil,
        remoteTag: String? = nil,
        fromURI: String? = nil,
        toURI: String? = nil,
        pAssertedIdentity: String? = nil,
        source: String? = nil,
        destination: String? = nil,
        transport: SignalingTransport? = nil,
        userAgent: String? = nil
    ) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
        self.fromURI = fromURI
        self.toURI = toURI
        self.pAssertedIdentity = pAssertedIdentity
        self.source = source
        self.destination = destination
        self.transport = transport
        self.userAgent = userAgent
    }

    /// This leg with every fact that `update` knows replacing the current one.
    public func merging(_ update: CallLeg) -> CallLeg {
        CallLeg(
            callID: update.callID ?? callID,
            localTag: update.localTag ?? localTag,
            remoteTag: update.remoteTag ?? remoteTag,
            fromURI: update.fromURI ?? fromURI,
            toURI: update.toURI ?? toURI,
            pAssertedIdentity: update.pAssertedIdentity ?? pAssertedIdentity,
            source: update.source ?? source,
            destination: update.destination ?? destination,
            transport: update.transport ?? transport,
            userAgent: update.userAgent ?? userAgent
        )
    }

    /// The leg as a canonical JSON object; unknown facts are omitted.
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "call_id": callID.map(CanonicalJSON.string),
            "local_tag": localTag.map(CanonicalJSON.string),
            "remote_tag": remoteTag.map(CanonicalJSON.string),
            "from_uri": fromURI.map(CanonicalJSON.string),
            "to_uri": toURI.map(CanonicalJSON.string),
            "pai": pAssertedIdentity.map(CanonicalJSON.string),
            "src": source.map(CanonicalJSON.string),
            "dst": destination.map(CanonicalJSON.string),
            "transport": transport.map { CanonicalJSON.string($0.rawValue) },
            "user_agent": userAgent.map(CanonicalJSON.string),
        ])
    }

    /// The members of `canonicalJSON()` in canonical (sorted) order, written without building it.
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        writer.member("call_id", callID)
        writer.member("dst", destination)
        writer.member("from_uri", fromURI)
        writer.member("local_tag", localTag)
        writer.member("pai", pAssertedIdentity)
        writer.member("remote_tag", remoteTag)
        writer.member("src", source)
        writer.member("to_uri", toURI)
        writer.member("transport", transport?.rawValue)
        writer.member("user_agent", userAgent)
    }
}

/// The bilateral Receipt GUID of a call (`X-BF-Receipt`): proposed by the winning provider in its 2xx, made binding
/// by the customer echoing it in the ACK.
public struct Receipt: CanonicalBlockValue {
    /// Where the receipt stands when the CDR is written.
    public enum State: String, Sendable, Equatable, CaseIterable {
        /// The provider proposed it and no ACK decided yet (the call ended before the ACK).
        case proposed
        /// The customer's ACK echoed the same value.
        case confirmed
        /// The customer's ACK echoed a different value (kept in `echoed`).
        case mismatch
        /// The customer's ACK carried no receipt.
        case missing
        /// A losing parallel leg's receipt: the call went elsewhere.
        case voided
    }

    /// The GUID the provider proposed.
    public let guid: String
    /// What became of it.
    public let state: State
    /// The value the customer's ACK carried, when it differs (`mismatch`).
    public let echoed: String?
    /// The provider that proposed it.
    public let providerID: String

    /// A receipt.
    public init(guid: String, state: State, echoed: String? = nil, providerID: String) {
        self.guid = guid
        self.state = state
        self.echoed = echoed
        self.providerID = providerID
    }

    /// `{"guid":…,"state":…,"echoed":…,"provider_id":…}`; `echoed` only for a mismatch.
    public func canonicalJSON() -> CanonicalJSON {
        .object(omittingNil: [
            "guid": .string(guid),
            "state": .string(state.rawValue),
            "echoed": echoed.map(CanonicalJSON.string),
            "provider_id": .string(providerID),
        ])
    }

    /// The members of `canonicalJSON()` in canonical (sorted) order, written without building it.
    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        writer.member("echoed", echoed)
        writer.member("guid", guid)
        writer.member("provider_id", providerID)
        writer.member("state", state.rawValue)
    }
}

import Rating
import Records

/// The agreed terms of every live call, by Receipt GUID (issue 5: "the agreed rate is cached under the GUID").
///
/// A receipt joins when the winning provider proposes it in its 2xx, its state follows the customer's ACK, and it
/// leaves when its session ends; by then the CDR carries it, and `ReceiptRecordIndex` finds it in the chain for
/// `sipswarm audit reconcile`. A mismatched ACK that echoes another live call's receipt is logged with that call.
/// Bounded by the live sessions; confined to the SIP event loop like the sessions.
final class ReceiptBook {
    struct Terms: Equatable {
        let sessionID: String
        let providerID: String
        /// The rate the provider is paid: the one agreed in negotiation, else its deck rate; nil when unrated.
        let providerRate: Money?
        var state: Receipt.State
    }

    private var terms: [String: Terms] = [:]

    var count: Int { terms.count }

    subscript(guid: String) -> Terms? { terms[guid] }

    /// A provider proposed `guid` for `sessionID`. A GUID another live call already holds stays with that call
    /// (returns false): a provider that reuses one must not move the other call's terms.
    @discardableResult
    func propose(_ guid: String, sessionID: String, providerID: String, providerRate: Money?) -> Bool {
        if let held = terms[guid], held.sessionID != sessionID { return false }
        terms[guid] = Terms(sessionID: sessionID, providerID: providerID, providerRate: providerRate, state: .proposed)
        return true
    }

    /// The customer's ACK decided the receipt.
    func decide(_ guid: String, sessionID: String, state: Receipt.State) {
        guard terms[guid]?.sessionID == sessionID else { return }
        terms[guid]?.state = state
    }

    /// The session ended: its receipt leaves the book (the CDR has it now).
    func end(_ guid: String, sessionID: String) {
        guard terms[guid]?.sessionID == sessionID else { return }
        terms[guid] = nil
    }
}

import Logging
import Rating
import Records
import SIPCore

// The bilateral Receipt GUID (X-BF-Receipt): proposed in the winner's 2xx, relayed to the customer, made binding
// by the customer's ACK echo and forwarded in the node's ACK to the provider; it rides in every later in-dialog
// request.
extension B2BUASession {
    /// Notes a receipt in the winning 2xx; returns whether there was one.
    func receiptProposed(in response: SIPResponse, by attempt: ProviderAttempt) -> Bool {
        guard let guid = BFHeaders.receipt(in: response) else { return false }
        let receipt = Receipt(guid: guid, state: .proposed, providerID: attempt.provider.id)
        cdr.receipt = receipt
        cdr.attemptReceipt(number: attempt.number, receipt)
        let rate = negotiations[attempt.provider.id]?.bid ?? attempt.planned.match?.entry.rate
        if !engine.receipts.propose(guid, sessionID: id, providerID: attempt.provider.id, providerRate: rate) {
            engine.logger.warning(
                "a provider proposed a receipt another live call holds",
                metadata: ["receipt": "\(guid)", "provider": "\(attempt.provider.id)", "session": "\(id)", "held_by": "\(engine.receipts[guid]?.sessionID ?? "")"]
            )
        }
        return true
    }

    /// The customer's ACK decides the receipt: the same value confirms it, another is a mismatch, none is missing.
    func receiptAcknowledged(by ack: SIPRequest) {
        guard let proposed = cdr.receipt, proposed.state == .proposed else { return }
        let echoed = BFHeaders.receipt(in: ack)
        let decided: Receipt
        switch echoed {
        case proposed.guid?:
            decided = Receipt(guid: proposed.guid, state: .confirmed, providerID: proposed.providerID)
        case nil:
            decided = Receipt(guid: proposed.guid, state: .missing, providerID: proposed.providerID)
        case let other?:
            // The book tells a typo from a crossed wire: an echo of another live call's receipt names that call.
            if let terms = engine.receipts[other], terms.sessionID != id {
                engine.logger.warning(
                    "a customer ACK echoes the receipt of another live call",
                    metadata: ["receipt": "\(other)", "session": "\(id)", "receipt_session": "\(terms.sessionID)"]
                )
            }
            decided = Receipt(guid: proposed.guid, state: .mismatch, echoed: other, providerID: proposed.providerID)
        }
        engine.receipts.decide(proposed.guid, sessionID: id, state: decided.state)
        cdr.receipt = decided
        // The carrying attempt's record tells the same story as the CDR.
        if let winner { cdr.attemptReceipt(number: winner.number, decided) }
    }

    /// The receipt an in-dialog request or the provider's ACK carries: the confirmed GUID only.
    var bindingReceipt: String? {
        guard let receipt = cdr.receipt, receipt.state == .confirmed else { return nil }
        return receipt.guid
    }

    /// Replaces whatever `X-BF-*` headers a relayed request copied with the binding receipt (or none): negotiation
    /// headers belong to one leg and never cross.
    func stampReceipt(on request: inout SIPRequest) {
        BFHeaders.removeAll(from: &request)
        if let guid = bindingReceipt {
            request.headers.append("X-BF-Receipt", guid)
        }
    }
}

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
            decided = Receipt(guid: proposed.guid, state: .mismatch, echoed: other, providerID: proposed.providerID)
        }
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

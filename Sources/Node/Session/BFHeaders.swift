import Rating
import SIPCore

/// The `X-BF-*` header set of bid/ask negotiation and the Receipt GUID (docs/negotiation.md).
enum BFHeaders {
    static let negotiationID = SIPHeaderName("X-BF-Negotiation-ID")
    static let maxBidRounds = SIPHeaderName("X-BF-MaxBidRnd")
    static let bidPrice = SIPHeaderName("X-BF-Bid-Price")
    static let priceUnit = SIPHeaderName("X-BF-Price-Unit")
    static let bidRound = SIPHeaderName("X-BF-Bid-Round")
    static let askPrice = SIPHeaderName("X-BF-Ask-Price")
    static let receipt = SIPHeaderName("X-BF-Receipt")

    /// The headers of one leg's negotiation: the node sets them itself, so a customer's (or a provider's) copies
    /// never cross the B2BUA.
    static let negotiationHeaders: [SIPHeaderName] = [negotiationID, maxBidRounds, bidPrice, priceUnit, bidRound, askPrice]
    /// The negotiation headers and the receipt: everything `removeAll` strips.
    static let allHeaders: [SIPHeaderName] = negotiationHeaders + [receipt]

    /// Removes the whole set from a request that crosses the B2BUA: on each leg the node writes its own, so a
    /// customer's (or a provider's) copies never reach the other side, rated or not.
    static func removeAll(from request: inout SIPRequest) {
        request.headers.remove(anyOf: allHeaders)
    }

    /// Puts this round's bid on an outbound INVITE/MESSAGE (replacing any copied from the customer).
    static func addBid(_ negotiation: Negotiation, to request: inout SIPRequest) {
        removeAll(from: &request)
        request.headers.append("X-BF-Negotiation-ID", negotiation.id)
        request.headers.append("X-BF-MaxBidRnd", String(negotiation.terms.maxBidRounds))
        request.headers.append("X-BF-Bid-Price", negotiation.bid.decimalString)
        request.headers.append("X-BF-Price-Unit", negotiation.unit.rawValue)
        request.headers.append("X-BF-Bid-Round", String(negotiation.round))
    }

    /// A provider's response without the negotiation headers (they are between the node and that provider);
    /// `X-BF-Receipt` stays, the customer gets it.
    static func withoutNegotiation(_ response: SIPResponse) -> SIPResponse {
        var copy = response
        copy.headers.remove(anyOf: negotiationHeaders)
        return copy
    }

    /// The Receipt GUID a message carries, trimmed; nil when absent or empty.
    static func receipt(in response: SIPResponse) -> String? {
        value(response.headers[receipt])
    }

    static func receipt(in request: SIPRequest) -> String? {
        value(request.headers[receipt])
    }

    private static func value(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let trimmed = raw.trimmingCharacters(in: " \t")
        // A GUID is short; anything longer is not one we record.
        guard !trimmed.isEmpty, trimmed.utf8.count <= 128 else { return nil }
        return trimmed
    }
}

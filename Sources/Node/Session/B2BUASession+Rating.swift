import Logging
import Rating
import Records

// The rated CDR: the price in three directions and the quality envelope, computed once, when the session ends.
extension B2BUASession {
    /// Prices the session (customer charge, provider cost, spread) with the carrying provider's deck rate, or the
    /// rate agreed in negotiation, and fills the quality envelope. An unrated session gets only the envelope.
    func rate(endingAt end: Int64, finalCode: Int) {
        cdr.quality = .typed(qualityEnvelope(endingAt: end, finalCode: finalCode))
        guard let customerMatch = route.customerMatch, let carrier = winner, let providerMatch = carrier.planned.match else {
            return
        }
        let usage: Usage
        switch cdr.service {
        case .voice, .video:
            usage = .voice(durationMilliseconds: cdr.durationMillis(endingAt: end))
        case .message:
            // A message is charged when it was delivered (2xx), like a call is only charged when answered.
            usage = .messages(count: winner == nil ? 0 : 1)
        }
        let agreed = negotiations[carrier.provider.id].map(\.bid)
        do {
            let price = try RatedPrice.rate(usage, customer: customerMatch, provider: providerMatch, negotiatedProviderRate: agreed)
            cdr.rating = .typed(price.ratingBlock(customerAccount: customer.id, providerAccount: carrier.provider.id))
        } catch {
            // A deck pair that cannot be priced together (units, currencies) is a configuration error: the CDR says
            // so instead of carrying a made-up price.
            cdr.rating = .typed(.unpriced(reason: error.reason))
            engine.logger.error("session could not be rated", metadata: ["session": "\(id)", "error": "\(error)"])
        }
    }

    /// Voice and video: PDD, setup time and the media statistics an endpoint reported on BYE; message: delivery
    /// latency and final status. Typed: no dictionary per session on the event loop.
    private func qualityEnvelope(endingAt end: Int64, finalCode: Int) -> QualityBlock {
        switch cdr.service {
        case .voice, .video:
            .call(
                pddMillis: cdr.firstRingingMicros.map { CallDetailRecord.milliseconds(from: cdr.setupMicros, to: $0) },
                setupMillis: cdr.answerMicros.map { CallDetailRecord.milliseconds(from: cdr.setupMicros, to: $0) },
                media: mediaStatistics
            )
        case .message:
            .message(deliveryMillis: CallDetailRecord.milliseconds(from: cdr.setupMicros, to: end), finalStatus: finalCode)
        }
    }
}

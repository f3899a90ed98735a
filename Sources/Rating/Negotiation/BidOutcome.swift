/// How one bid round ended, as written in a `BidLogEntry`.
public enum BidOutcome: String, Hashable, Sendable, CaseIterable {
    /// The provider answered (2xx) at the offered price.
    case accepted
    /// The provider countered (488 with `X-BF-Ask-Price`) and the node accepted: a new round follows.
    case counterAccepted = "counter_accepted"
    /// The provider countered above the ceiling.
    case counterRejectedSpread = "counter_rejected_spread"
    /// The provider countered in the last allowed round.
    case counterRejectedRounds = "counter_rejected_rounds"
    /// The provider countered with an unusable price.
    case counterRejectedInvalid = "counter_rejected_invalid"
    /// The provider failed the attempt without a counter-offer.
    case declined
    /// The node cancelled the attempt (another fork won, timeout, the customer hung up).
    case cancelled
}

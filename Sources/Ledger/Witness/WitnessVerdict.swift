/// What a witness does with one publication.
public enum WitnessVerdict: Sendable, Equatable {
    /// The checkpoint is accepted: persist this new state and record the acceptance.
    case accepted(WitnessedPeer)
    /// The same checkpoint again (retransmission or refresh): answer 200, record nothing.
    case unchanged
    /// The proofs start at sizes the witness does not hold: answer 412 with `held` (empty = send a full checkpoint).
    case proofsFromOtherSizes(held: [String: UInt64])
    /// Refused, with the alert to raise.
    case rejected(WitnessAlert)
}

import SIPTransaction

/// The session's hot timers fire by tag rather than through a closure each (a closure context is an allocation per
/// timer): the answer's 2xx retransmission timers under their RFC 3261 tag, and a provider attempt's timeout under
/// the attempt's number above `attemptTagBase`. The queue holds the session weakly, as the closures did.
extension B2BUASession: EventLoopTimerTarget {
    /// Tags from here up are attempt numbers; below are `TransactionTimer.queueTag`s.
    static let attemptTagBase: UInt32 = 1 << 16

    static func attemptTimerTag(_ attempt: ProviderAttempt) -> UInt32 {
        attemptTagBase + UInt32(truncatingIfNeeded: attempt.number)
    }

    func timerFired(tag: UInt32) {
        if tag >= Self.attemptTagBase {
            // Attempt numbers are unique in a session; a retired attempt is no longer among the live ones, so its
            // timer is stale (`attemptTimedOut` checks that the attempt is still live).
            guard let attempt = liveAttempts.first(where: { Self.attemptTimerTag($0) == tag }) else { return }
            attemptTimedOut(attempt)
        } else if let timer = TransactionTimer(queueTag: tag) {
            answerRetransmissionTimers.fired(timer)
            perform(answerRetransmission.timerFired(timer))
        }
    }
}

import SIPTransaction

/// RFC 3261 timers as `EventLoopTimerQueue` tags, so that a transaction driver can be the target of its own timers.
extension TransactionTimer {
    var queueTag: UInt32 { UInt32(ordinal) }

    /// The timer whose `queueTag` is `tag`; nil for a tag no timer has.
    init?(queueTag tag: UInt32) {
        self.init(ordinal: Int(tag))
    }
}

/// A transaction driver as the target of its own RFC 3261 timers: the tag names the timer.
protocol TransactionTimerTarget: EventLoopTimerTarget {
    func timerFired(_ timer: TransactionTimer)
}

extension TransactionTimerTarget {
    func timerFired(tag: UInt32) {
        guard let timer = TransactionTimer(queueTag: tag) else { return }
        timerFired(timer)
    }
}

/// Billed seconds of a call under a row's minimum duration and billing increments.
///
/// For a duration `D` > 0 with minimum `M` and increments `i/n`:
/// `b = max(D, M)`; billed = `i` when `b ≤ i`, else `i + ⌈(b − i) / n⌉ × n`. `D` = 0 bills 0.
/// Example, 61 s at 30/6: `30 + ⌈31 / 6⌉ × 6 = 30 + 36 = 66` s.
public enum BillableDuration {
    /// The billed seconds for `durationSeconds` (0 when the call was not answered or lasted 0 s).
    public static func seconds(
        duration durationSeconds: Int64, minimum minimumSeconds: Int64, increment: BillingIncrement
    ) throws(RatingError) -> Int64 {
        guard durationSeconds >= 0, minimumSeconds >= 0 else {
            throw RatingError(.invalidUsage, reason: "durations are never negative")
        }
        guard durationSeconds > 0 else {
            return 0
        }
        let base = max(durationSeconds, minimumSeconds)
        guard base > increment.initialSeconds else {
            return increment.initialSeconds
        }
        let rest = base - increment.initialSeconds
        let blocks = (rest - 1) / increment.nextSeconds + 1
        let (restBilled, overflowMultiply) = blocks.multipliedReportingOverflow(by: increment.nextSeconds)
        let (billed, overflowAdd) = restBilled.addingReportingOverflow(increment.initialSeconds)
        guard !overflowMultiply, !overflowAdd else {
            throw RatingError(.overflow, reason: "billed seconds do not fit in 64 bits")
        }
        return billed
    }
}

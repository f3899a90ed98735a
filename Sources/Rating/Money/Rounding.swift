/// The one rounding rule of SIPswarm rating.
///
/// **Half-up to the micro-unit, once, at the end of a computation.** A charge is computed as an
/// exact fraction of micro-units (for `per-min` rates: `(fee × 60 + rate × billable seconds) / 60`)
/// and only that final quotient is rounded: a remainder of at least half the divisor rounds away
/// from zero, anything less rounds toward zero. Charges are never negative, so for every amount a
/// node bills this is plain "half-up". Intermediate results are never rounded.
public enum Rounding {
    /// `numerator / divisor` rounded half away from zero; `divisor` must be positive.
    public static func divideHalfUp(_ numerator: Int64, by divisor: Int64) throws(RatingError) -> Int64 {
        guard divisor > 0 else {
            throw RatingError(.invalidPolicy, reason: "division by a non-positive divisor \(divisor)")
        }
        let quotient = numerator / divisor
        let remainder = numerator % divisor
        // |remainder| * 2 >= divisor without overflow: compare |remainder| with divisor - |remainder|.
        let absRemainder = remainder.magnitude
        guard absRemainder >= divisor.magnitude - absRemainder else {
            return quotient
        }
        return numerator < 0 ? quotient - 1 : quotient + 1
    }
}

/// A provider's health as one number, in basis points (10 000 = perfect), integers only.
///
/// Each metric scores 0...10 000: ASR as measured; ACD as `min(1, ACD / target)`; PDD and latency as
/// `1 − min(1, mean / budget)`. A metric without data scores 10 000. The health is the weighted mean
/// (integer division). With fewer than `minimumSamples` attempts the provider scores 10 000: too
/// little evidence to penalise it.
public enum HealthScore {
    /// The health of `health` under `policy`, 0...10 000.
    public static func basisPoints(_ health: ProviderHealth, policy: LCRPolicy) -> Int64 {
        guard health.attempts >= policy.minimumSamples, health.attempts > 0 else {
            return 10_000
        }
        let asr = Int64(health.asrBasisPoints ?? 10_000)
        let acd = health.acdMicros.map { ratio($0, of: policy.targetAcdMicros) } ?? 10_000
        let pdd = health.meanPddMicros.map { 10_000 - ratio($0, of: policy.pddBudgetMicros) } ?? 10_000
        let latency = health.meanLatencyMicros.map { 10_000 - ratio($0, of: policy.latencyBudgetMicros) } ?? 10_000
        let w = policy.weights
        guard w.total > 0 else {
            return 10_000
        }
        return (asr * w.asr + acd * w.acd + pdd * w.pdd + latency * w.latency) / w.total
    }

    /// `min(10 000, value × 10 000 / limit)` for non-negative values, saturating.
    static func ratio(_ value: Int64, of limit: Int64) -> Int64 {
        guard limit > 0, value > 0 else {
            return 0
        }
        guard value < limit else {
            return 10_000
        }
        // value < limit, so value × 10 000 / limit < 10 000; the product can overflow for huge limits.
        let (product, overflow) = value.multipliedReportingOverflow(by: 10_000)
        return overflow ? value / (limit / 10_000) : product / limit
    }
}

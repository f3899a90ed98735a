/// How least-cost routing scores and groups providers (see docs/rating.md, "LCR").
public struct LCRPolicy: Hashable, Sendable {
    /// A call of this many seconds prices each provider for ranking (connection fee and increments included).
    public var referenceDurationSeconds: Int64
    /// Least spread per price unit, in micro-units of the customer's currency: a provider whose rate is
    /// above `customer rate − minimumSpreadMicros` is excluded (and negotiation never bids above that).
    public var minimumSpreadMicros: Int64
    /// Providers whose reference cost is within this many basis points of their group's first provider
    /// share its bid group (500 = 5 %).
    public var toleranceBasisPoints: Int64
    /// Most providers forked in parallel in one bid group.
    public var maxGroupSize: Int
    /// Below this many attempts in its window a provider counts as fully healthy (not enough evidence).
    public var minimumSamples: Int
    /// A provider whose health is below this (basis points) is not grouped: it comes after every
    /// healthy group, alone.
    public var minimumHealthBasisPoints: Int64
    /// Relative weights of ASR, ACD, PDD and latency in the health score.
    public var weights: HealthWeights
    /// ACD at or above this scores full marks.
    public var targetAcdMicros: Int64
    /// Mean PDD at or above this scores zero.
    public var pddBudgetMicros: Int64
    /// Mean signalling latency at or above this scores zero.
    public var latencyBudgetMicros: Int64

    /// 60 s reference call, no minimum spread, 5 % tolerance, groups of up to 3, 10 samples before health
    /// counts, minimum health 50 %, weights ASR 50 / ACD 10 / PDD 25 / latency 15, target ACD 120 s,
    /// PDD budget 8 s, latency budget 1 s.
    public init(
        referenceDurationSeconds: Int64 = 60, minimumSpreadMicros: Int64 = 0, toleranceBasisPoints: Int64 = 500,
        maxGroupSize: Int = 3, minimumSamples: Int = 10, minimumHealthBasisPoints: Int64 = 5_000,
        weights: HealthWeights = HealthWeights(), targetAcdMicros: Int64 = 120_000_000,
        pddBudgetMicros: Int64 = 8_000_000, latencyBudgetMicros: Int64 = 1_000_000
    ) {
        self.referenceDurationSeconds = referenceDurationSeconds
        self.minimumSpreadMicros = minimumSpreadMicros
        self.toleranceBasisPoints = toleranceBasisPoints
        self.maxGroupSize = maxGroupSize
        self.minimumSamples = minimumSamples
        self.minimumHealthBasisPoints = minimumHealthBasisPoints
        self.weights = weights
        self.targetAcdMicros = targetAcdMicros
        self.pddBudgetMicros = pddBudgetMicros
        self.latencyBudgetMicros = latencyBudgetMicros
    }

    /// Throws `invalidPolicy` when a value is out of range.
    public func validate() throws(RatingError) {
        guard referenceDurationSeconds > 0, minimumSpreadMicros >= 0, toleranceBasisPoints >= 0, maxGroupSize > 0,
            minimumSamples >= 0, (0...10_000).contains(minimumHealthBasisPoints),
            targetAcdMicros > 0, pddBudgetMicros > 0, latencyBudgetMicros > 0, weights.total > 0
        else {
            throw RatingError(.invalidPolicy, reason: "an LCR policy value is out of range")
        }
    }
}

/// Relative weights of the four health metrics (non-negative, not all zero).
public struct HealthWeights: Hashable, Sendable {
    /// Weight of the answer-seizure ratio.
    public var asr: Int64
    /// Weight of the average call duration.
    public var acd: Int64
    /// Weight of the post-dial delay.
    public var pdd: Int64
    /// Weight of the signalling latency.
    public var latency: Int64

    /// ASR 50, ACD 10, PDD 25, latency 15.
    public init(asr: Int64 = 50, acd: Int64 = 10, pdd: Int64 = 25, latency: Int64 = 15) {
        self.asr = max(asr, 0)
        self.acd = max(acd, 0)
        self.pdd = max(pdd, 0)
        self.latency = max(latency, 0)
    }

    /// The sum of the weights.
    public var total: Int64 { asr + acd + pdd + latency }
}

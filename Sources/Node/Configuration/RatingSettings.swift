/// Rating, least-cost routing and negotiation settings (`[rating]`); every key has a default.
///
/// Amounts are micro-units of the decks' currency (there is no FX: one node prices in one currency
/// per customer/provider pair, and LCR excludes providers priced in another).
public struct RatingSettings: Sendable, Hashable {
    /// Least spread per price unit the node keeps (`min_spread`, a decimal such as `"0.0030"`), in micro-units.
    public var minimumSpreadMicros: Int64
    /// Most bid rounds with one provider (`max_bid_rounds`, sent as `X-BF-MaxBidRnd`).
    public var maxBidRounds: Int
    /// Providers whose reference cost is within this many basis points of their group's first share its bid group (`tolerance_bp`).
    public var toleranceBasisPoints: Int64
    /// Most providers forked in parallel in one bid group (`max_group_size`).
    public var maxGroupSize: Int
    /// Length of the call each provider is priced at for ranking (`reference_duration_s`).
    public var referenceDurationSeconds: Int64
    /// Mean PDD at or above this scores zero in the health score (`pdd_budget_ms`).
    public var pddBudget: Duration
    /// Mean signalling latency at or above this scores zero (`latency_budget_ms`).
    public var latencyBudget: Duration
    /// ACD at or above this scores full marks (`target_acd_s`).
    public var targetAcd: Duration
    /// Attempts kept per provider for its health (`health_window_attempts`).
    public var healthWindowAttempts: Int
    /// Oldest attempt kept for a provider's health (`health_window_s`).
    public var healthWindow: Duration
    /// Below this many attempts in its window a provider counts as fully healthy (`health_min_samples`).
    public var healthMinimumSamples: Int
    /// A provider below this health (basis points) is tried only after every healthy group, alone (`health_min_bp`).
    public var healthMinimumBasisPoints: Int64
    /// Weight of ASR in the health score (`weight_asr`).
    public var weightASR: Int64
    /// Weight of ACD in the health score (`weight_acd`).
    public var weightACD: Int64
    /// Weight of PDD in the health score (`weight_pdd`).
    public var weightPDD: Int64
    /// Weight of signalling latency in the health score (`weight_latency`).
    public var weightLatency: Int64

    /// Default `min_spread` (0: any non-negative spread is accepted).
    public static let defaultMinimumSpreadMicros: Int64 = 0
    /// Default `max_bid_rounds`.
    public static let defaultMaxBidRounds = 3
    /// Default `tolerance_bp` (5 %).
    public static let defaultToleranceBasisPoints: Int64 = 500
    /// Default `max_group_size`.
    public static let defaultMaxGroupSize = 3
    /// Default `reference_duration_s`.
    public static let defaultReferenceDurationSeconds: Int64 = 60
    /// Default `pdd_budget_ms`.
    public static let defaultPDDBudget = Duration.milliseconds(8000)
    /// Default `latency_budget_ms`.
    public static let defaultLatencyBudget = Duration.milliseconds(1000)
    /// Default `target_acd_s`.
    public static let defaultTargetAcd = Duration.seconds(120)
    /// Default `health_window_attempts`.
    public static let defaultHealthWindowAttempts = 100
    /// Default `health_window_s` (15 minutes).
    public static let defaultHealthWindow = Duration.seconds(900)
    /// Default `health_min_samples`.
    public static let defaultHealthMinimumSamples = 10
    /// Default `health_min_bp` (50 %).
    public static let defaultHealthMinimumBasisPoints: Int64 = 5000

    /// Creates settings; every argument defaults to the documented default.
    public init(
        minimumSpreadMicros: Int64 = RatingSettings.defaultMinimumSpreadMicros,
        maxBidRounds: Int = RatingSettings.defaultMaxBidRounds,
        toleranceBasisPoints: Int64 = RatingSettings.defaultToleranceBasisPoints,
        maxGroupSize: Int = RatingSettings.defaultMaxGroupSize,
        referenceDurationSeconds: Int64 = RatingSettings.defaultReferenceDurationSeconds,
        pddBudget: Duration = RatingSettings.defaultPDDBudget,
        latencyBudget: Duration = RatingSettings.defaultLatencyBudget,
        targetAcd: Duration = RatingSettings.defaultTargetAcd,
        healthWindowAttempts: Int = RatingSettings.defaultHealthWindowAttempts,
        healthWindow: Duration = RatingSettings.defaultHealthWindow,
        healthMinimumSamples: Int = RatingSettings.defaultHealthMinimumSamples,
        healthMinimumBasisPoints: Int64 = RatingSettings.defaultHealthMinimumBasisPoints,
        weightASR: Int64 = 50,
        weightACD: Int64 = 10,
        weightPDD: Int64 = 25,
        weightLatency: Int64 = 15
    ) {
        self.minimumSpreadMicros = minimumSpreadMicros
        self.maxBidRounds = maxBidRounds
        self.toleranceBasisPoints = toleranceBasisPoints
        self.maxGroupSize = maxGroupSize
        self.referenceDurationSeconds = referenceDurationSeconds
        self.pddBudget = pddBudget
        self.latencyBudget = latencyBudget
        self.targetAcd = targetAcd
        self.healthWindowAttempts = healthWindowAttempts
        self.healthWindow = healthWindow
        self.healthMinimumSamples = healthMinimumSamples
        self.healthMinimumBasisPoints = healthMinimumBasisPoints
        self.weightASR = weightASR
        self.weightACD = weightACD
        self.weightPDD = weightPDD
        self.weightLatency = weightLatency
    }
}

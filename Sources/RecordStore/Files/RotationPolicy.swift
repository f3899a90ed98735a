/// When a chain's current file is closed and the pre-opened next file takes over (`[records] rotate_max_*`).
public struct RotationPolicy: Sendable, Hashable {
    /// Rotate once the current file holds this many records.
    public var maxRecords: Int
    /// Rotate once the current file holds at least this many bytes.
    public var maxBytes: Int
    /// Rotate once the current file has been current this long and holds a record.
    public var maxAge: Duration

    /// Never rotates: one file per chain and node start (the behaviour before rotation, kept for tests).
    public static let never = RotationPolicy(maxRecords: .max, maxBytes: .max, maxAge: .seconds(Int64.max))

    /// A policy; the defaults are the documented `[records]` defaults.
    public init(maxRecords: Int = 100_000, maxBytes: Int = 64 << 20, maxAge: Duration = .seconds(3600)) {
        self.maxRecords = max(1, maxRecords)
        self.maxBytes = max(1, maxBytes)
        self.maxAge = max(.zero, maxAge)
    }

    /// Whether this policy can ever rotate.
    var rotates: Bool {
        self != .never
    }

    /// Whether a file with these contents, current since `age`, is due.
    func isDue(records: Int, bytes: Int, age: Duration) -> Bool {
        guard records > 0 else { return false }
        return records >= maxRecords || bytes >= maxBytes || age >= maxAge
    }
}

extension Array {
    /// An empty action list with room for what one event emits: built by appending into it, an event's actions cost
    /// one allocation instead of one per concatenated piece.
    static func reserving(_ capacity: Int) -> Self {
        var array = Self()
        array.reserveCapacity(capacity)
        return array
    }
}

/// One buffer that records are written into one after another, each replacing the one before: the chain writes a
/// record's canonical bytes here, hashes them and copies them once into the record's own line.
///
/// A record written into a buffer of its own paid a 2 KiB allocation, zero-filled, per record, and the `hash`
/// member was then inserted into it, moving every byte after it; here the room is allocated once per chain and
/// stays warm in the cache.
public struct CanonicalScratch: Sendable {
    private var output: CanonicalOutput

    /// A buffer with room for `capacity` bytes before it first grows (it keeps what it grew to).
    public init(capacity: Int) {
        output = CanonicalOutput(capacity: capacity)
    }

    /// Writes `record`'s object (`CanonicalObjectWriter` with `overrides` and `marker`) over what the buffer held and
    /// calls `body` with its bytes and the marker's insertion point (see `CanonicalObjectWriter.markerInsertion`).
    /// Also returns the keys of the record's members that an override replaced with another value.
    ///
    /// The bytes are valid only inside `body`. A generic record, not a closure, so the record is not captured (and
    /// copied) per call.
    public mutating func write<Result>(
        _ record: some CanonicalRecord,
        overrides: [CanonicalMember],
        marker: StaticString?,
        _ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ markerInsertion: (offset: Int, afterMember: Bool)) -> Result
    ) -> (result: Result, replacedKeys: [String]) {
        output.truncate(to: 0)
        var writer = CanonicalObjectWriter(continuing: &output, overrides: overrides, marker: marker)
        record.writeCanonicalMembers(into: &writer)
        output = writer.finishOutput()
        let insertion = writer.markerInsertion
        let result = output.withWrittenBytes { body($0, insertion) }
        return (result, writer.replacedKeys)
    }
}

/// JSON Lines written into one buffer: canonical objects, each followed by `\n` (the crash journal's log).
///
/// Each object is written by a `CanonicalObjectWriter` with literal keys, straight after the lines before it: no
/// dictionary is built and sorted per line, and no buffer is made per line (the journal's lines were built as
/// `CanonicalJSON` dictionaries, about a tenth of the record writer thread's CPU in its profile).
public struct CanonicalLines {
    private var output: CanonicalOutput

    /// Lines with room for `capacity` bytes before the buffer grows.
    public init(capacity: Int) {
        output = CanonicalOutput(capacity: capacity)
    }

    /// Appends one object, whose members `write` gives in canonical order, and its `\n`.
    public mutating func append(_ write: (inout CanonicalObjectWriter) -> Void) {
        var writer = beginLine()
        write(&writer)
        endLine(&writer)
    }

    /// Appends `value`'s object and its `\n`; not through a closure, which would capture (copy) the value.
    public mutating func append(_ value: some CanonicalBlockValue) {
        var writer = beginLine()
        value.writeCanonicalMembers(into: &writer)
        endLine(&writer)
    }

    /// The lines written; this value is left empty.
    public mutating func finish() -> [UInt8] {
        output.finish()
    }

    // The output moves into the line's writer and back, so the bytes stay uniquely referenced and are not copied.
    private mutating func beginLine() -> CanonicalObjectWriter {
        CanonicalObjectWriter(continuing: &output)
    }

    private mutating func endLine(_ writer: inout CanonicalObjectWriter) {
        output = writer.finishOutput()
        output.append(UInt8(ascii: "\n"))
    }
}

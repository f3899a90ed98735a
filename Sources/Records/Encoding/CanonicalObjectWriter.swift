/// Writes one canonical JSON object straight into bytes, member by member, without building a dictionary or
/// sorting: the caller gives the members in RFC 8785 order (keys ascending in UTF-16 code units; a record with
/// fixed keys writes them in that order), and omits nil values as `CanonicalJSON.object(omittingNil:)` does.
///
/// `overrides` (the ledger's chain fields) are put in at their sorted places and replace the caller's members of
/// the same key; `marker` is a key whose place is noted without writing anything there (the ledger's `hash`).
/// Both apply to the top-level object only.
///
/// Keys are `StaticString`s: a record's keys are literals, read in place with no `String` to open per member.
public struct CanonicalObjectWriter {
    private var output: CanonicalOutput
    /// Where a member named `marker` goes: after the last member whose key sorts before it (`afterMember`, the
    /// member then needs a leading comma) or, when none does, right after the `{`. Set by `finish()`.
    public private(set) var markerInsertion = (offset: 0, afterMember: false)
    /// Keys of the caller's members that an override replaced with a different value.
    public private(set) var replacedKeys: [String] = []

    private let overrides: [CanonicalMember]
    private var nextOverride = 0 {
        didSet { notePendingFirstByte() }
    }
    private let marker: StaticString?
    private var markerPlaced = false {
        didSet { notePendingFirstByte() }
    }
    // The lowest first byte of the next override's key and the unplaced marker, `nothingPending` when neither is
    // left: a key starting with a lower ASCII byte sorts before both, and is written with no comparison (most keys
    // of a record, which took two key comparisons each before).
    private var pendingFirstByte = nothingPending
    private static let nothingPending: UInt16 = 0x100
    private var empty = true
    // Above 0 inside a nested object, where overrides and the marker do not apply.
    private var depth = 0
    // While the caller writes the value of a member that an override has the key of: that override, and where
    // the value starts (the value is compared with the override's, then replaced by it).
    private var overriddenValue: (override: Int, start: Int)?

    /// A writer appending to `bytes` (its `{` is written at once), with room for `capacity` more bytes before its
    /// buffer grows. `overrides` must be sorted by key; the chain passes the same array for every record.
    public init(bytes: [UInt8] = [], capacity: Int = 1_024, overrides: [CanonicalMember] = [], marker: StaticString? = nil) {
        var output = CanonicalOutput(prefix: bytes, capacity: capacity)
        self.init(continuing: &output, overrides: overrides, marker: marker)
    }

    /// A writer whose object follows what `output` holds (`CanonicalLines`: one buffer for many objects); `output`
    /// is left empty, `finishOutput()` hands it back.
    init(continuing output: inout CanonicalOutput, overrides: [CanonicalMember] = [], marker: StaticString? = nil) {
        // Swapped in, not copied: a copy kept a second reference to the bytes through the `{` below, so that first
        // write copied the whole buffer (every record's 2 KiB, and for a journal line every line before it).
        self.output = CanonicalOutput(reusing: [])
        swap(&self.output, &output)
        self.overrides = overrides
        self.marker = marker
        self.output.append(UInt8(ascii: "{"))
        markerInsertion = (self.output.count, false)
        notePendingFirstByte()
    }

    /// A writer with overrides given as values (encoded here). `overrides` must be sorted by key.
    public init(bytes: [UInt8] = [], overrides: [(key: String, value: CanonicalJSON)], marker: StaticString? = nil) {
        self.init(bytes: bytes, overrides: overrides.map { CanonicalMember(key: $0.key, value: $0.value) }, marker: marker)
    }

    /// Writes the overrides and notes the marker not yet placed, closes the object and returns its bytes.
    /// The bytes move out (this writer keeps none), so the caller owns the only reference to them.
    public mutating func finish() -> [UInt8] {
        var finished = finishOutput()
        return finished.finish()
    }

    /// Closes the object like `finish()` and hands over the output itself, with its room, for more to follow.
    mutating func finishOutput() -> CanonicalOutput {
        while nextOverride < overrides.count {
            writeOverride(nextOverride)
            nextOverride += 1
        }
        if marker != nil, !markerPlaced {
            markerPlaced = true
            markerInsertion = (output.count, !empty)
        }
        output.append(UInt8(ascii: "}"))
        // Swapped out, so the storage stays uniquely referenced; the empty output allocates nothing.
        var finished = CanonicalOutput(reusing: [])
        swap(&finished, &output)
        return finished
    }

    /// A string member; nothing for nil.
    public mutating func member(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        guard !writeDirectly(key, { output, key, comma in output.writeMember(plainKey: key, comma: comma, string: value) }),
            begin(key)
        else { return }
        output.writeString(value)
        end()
    }

    /// An integer member; nothing for nil.
    public mutating func member(_ key: StaticString, _ value: Int64?) {
        guard let value else { return }
        guard !writeDirectly(key, { output, key, comma in output.writeMember(plainKey: key, comma: comma, integer: value) }),
            begin(key)
        else { return }
        output.writeInteger(value)
        end()
    }

    // Where `begin` would write the key at once (no override or marker to place first), `write` puts the comma,
    // key and value in one reservation of room, and this returns true; false leaves the member to `begin`.
    @inline(__always)
    private mutating func writeDirectly(
        _ key: StaticString, _ write: (inout CanonicalOutput, UnsafeBufferPointer<UInt8>, Bool) -> Void
    ) -> Bool {
        let written = key.withUTF8Buffer { key in
            guard depth > 0 || sortsBeforeAnythingPending(key) else { return false }
            assert(CanonicalOutput.escapeFreePrefixCount(key) == key.count, "a literal key needing a JSON escape")
            write(&output, key, !empty)
            return true
        }
        if written {
            empty = false
        }
        return written
    }

    /// An integer member; nothing for nil.
    public mutating func member(_ key: StaticString, _ value: Int?) {
        member(key, value.map(Int64.init))
    }

    /// A member of any value; nothing for nil.
    public mutating func member(_ key: StaticString, _ value: CanonicalJSON?) {
        guard let value, begin(key) else { return }
        value.write(into: &output)
        end()
    }

    /// A nested object whose members `write` gives in canonical order (no overrides, no marker inside).
    public mutating func member(_ key: StaticString, object write: (inout CanonicalObjectWriter) -> Void) {
        guard begin(key) else { return }
        nested(UInt8(ascii: "{"), UInt8(ascii: "}"), write)
        end()
    }

    /// A nested object that `value` writes itself; nothing for nil.
    ///
    /// Not a closure: a closure reading a property of a record (`{ aLeg.writeCanonicalMembers(into: &$0) }` in a
    /// method of the record) captured the whole record, so every CDR was copied and destroyed once more per seal
    /// (`initializeWithCopy for CallDetailRecord` in the writer thread's profile).
    public mutating func member(_ key: StaticString, object value: (some CanonicalBlockValue)?) {
        guard let value, begin(key) else { return }
        open(UInt8(ascii: "{"))
        value.writeCanonicalMembers(into: &self)
        close(UInt8(ascii: "}"))
        end()
    }

    /// An array member whose elements `write` gives with `element(object:)` / `element(array:)`, in order; `[]`
    /// when it gives none. Arrays keep their order in canonical JSON; only objects' members are sorted.
    public mutating func member(_ key: StaticString, array write: (inout CanonicalObjectWriter) -> Void) {
        guard begin(key) else { return }
        writeArray(write)
        end()
    }

    /// An object element of the array being written (inside `member(_:array:)` or `element(array:)`), its members
    /// given by `write` in canonical order.
    public mutating func element(object write: (inout CanonicalObjectWriter) -> Void) {
        beginElement()
        nested(UInt8(ascii: "{"), UInt8(ascii: "}"), write)
    }

    /// An array element of the array being written.
    public mutating func element(array write: (inout CanonicalObjectWriter) -> Void) {
        beginElement()
        writeArray(write)
    }

    private mutating func writeArray(_ write: (inout CanonicalObjectWriter) -> Void) {
        nested(UInt8(ascii: "["), UInt8(ascii: "]"), write)
    }

    // `open`, what `write` gives, `close`. While `write` runs the writer is one level deeper (no overrides, no
    // marker) and `empty` means nothing written at this level yet; after it, the enclosing level is not empty.
    private mutating func nested(_ opening: UInt8, _ closing: UInt8, _ write: (inout CanonicalObjectWriter) -> Void) {
        open(opening)
        write(&self)
        close(closing)
    }

    private mutating func open(_ bracket: UInt8) {
        output.append(bracket)
        empty = true
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        output.append(bracket)
        empty = false
    }

    private mutating func beginElement() {
        if !empty {
            output.append(UInt8(ascii: ","))
        }
        empty = false
    }

    /// A member whose key is not a literal (the default `writeCanonicalMembers`, which sorts `canonicalJSON()`);
    /// nothing for nil.
    public mutating func member(named key: String, _ value: CanonicalJSON?) {
        guard let value else { return }
        var began = key.utf8.withContiguousStorageIfAvailable { begin(utf8: $0) }
        if began == nil {
            began = Array(key.utf8).withUnsafeBufferPointer { begin(utf8: $0) }
        }
        guard began == true else { return }
        value.write(into: &output)
        end()
    }

    // MARK: - Keys, overrides and the marker

    private mutating func begin(_ key: StaticString) -> Bool {
        key.withUTF8Buffer { key in
            // A record's keys are literals of letters, digits and `_`: not scanned for escapes on every write.
            assert(CanonicalOutput.escapeFreePrefixCount(key) == key.count, "a literal key needing a JSON escape")
            return begin(utf8: key, plain: true)
        }
    }

    // Writes the overrides that sort before `key`, notes the marker, then the comma, key and colon. False when the
    // key is the marker's (that member is the caller of this writer's to put in: the ledger computes `hash` last).
    // `plain`: the key needs no escape (known for literals; otherwise the key is scanned).
    private mutating func begin(utf8 key: UnsafeBufferPointer<UInt8>, plain: Bool = false) -> Bool {
        guard depth == 0, !sortsBeforeAnythingPending(key) else {
            writeKey(key, plain: plain)
            return true
        }
        var markerBefore = false
        if let marker, !markerPlaced {
            let order = marker.withUTF8Buffer { Self.order(of: $0, against: key) }
            guard order != .same else { return false }
            markerBefore = order == .before
        }
        while nextOverride < overrides.count {
            let order = overrides[nextOverride].keyUTF8.withUnsafeBufferPointer { Self.order(of: $0, against: key) }
            if order == .after {
                break
            }
            if order == .same {
                // The caller's value is written, then compared with the override's by `end()`.
                if markerBefore, !markerPlaced {
                    placeMarker()
                }
                writeKey(key, plain: plain)
                overriddenValue = (nextOverride, output.count)
                nextOverride += 1
                return true
            }
            writeOverride(nextOverride)
            nextOverride += 1
        }
        if markerBefore, !markerPlaced {
            placeMarker()
        }
        writeKey(key, plain: plain)
        return true
    }

    private func sortsBeforeAnythingPending(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard pendingFirstByte != Self.nothingPending else { return true }
        // An ASCII byte decides the order against any other byte (see `CanonicalJSON.precedesByUTF8`).
        guard let first = key.first, first < 0x80 else { return false }
        return UInt16(first) < pendingFirstByte
    }

    private mutating func notePendingFirstByte() {
        var lowest = Self.nothingPending
        if nextOverride < overrides.count {
            lowest = UInt16(overrides[nextOverride].keyFirstByte)
        }
        if let marker, !markerPlaced {
            lowest = Swift.min(lowest, UInt16(marker.withUTF8Buffer { $0.first ?? 0 }))
        }
        pendingFirstByte = lowest
    }

    // After a member's value: an override of the same key replaces a different value (and the key is noted).
    private mutating func end() {
        guard let pending = overriddenValue else { return }
        overriddenValue = nil
        let override = overrides[pending.override]
        let same = override.encodedValue.withUnsafeBufferPointer { output.written(from: pending.start, equals: $0) }
        guard !same else { return }
        output.truncate(to: pending.start)
        override.encodedValue.withUnsafeBufferPointer { output.append($0) }
        replacedKeys.append(override.key)
    }

    private mutating func writeOverride(_ index: Int) {
        let override = overrides[index]
        override.keyUTF8.withUnsafeBufferPointer { key in
            placeMarker(ifBefore: key)
            writeKey(key)
        }
        override.encodedValue.withUnsafeBufferPointer { output.append($0) }
    }

    // Notes the marker's place here if it sorts before `key` (the next member written).
    private mutating func placeMarker(ifBefore key: UnsafeBufferPointer<UInt8>) {
        guard let marker, !markerPlaced, marker.withUTF8Buffer({ Self.order(of: $0, against: key) }) == .before else {
            return
        }
        placeMarker()
    }

    private mutating func placeMarker() {
        markerPlaced = true
        markerInsertion = (output.count, !empty)
    }

    // The comma (unless first), the quoted key and the colon; one copy for a key that needs no escape.
    private mutating func writeKey(_ key: UnsafeBufferPointer<UInt8>, plain: Bool = false) {
        let comma = !empty
        empty = false
        guard plain || CanonicalOutput.escapeFreePrefixCount(key) == key.count, key.baseAddress != nil else {
            if comma {
                output.append(UInt8(ascii: ","))
            }
            output.writeString(utf8: key)
            output.append(UInt8(ascii: ":"))
            return
        }
        output.write(room: key.count + 4) { out in CanonicalOutput.putKey(key, comma: comma, at: out) }
    }

    enum KeyOrder {
        case before, same, after
    }

    // Where key `a` sorts against key `b` in RFC 8785 order (UTF-16 code units).
    static func order(of a: UnsafeBufferPointer<UInt8>, against b: UnsafeBufferPointer<UInt8>) -> KeyOrder {
        if a.count == b.count, let left = a.baseAddress, let right = b.baseAddress,
            CanonicalOutput.equalBytes(left, right, count: a.count)
        {
            return .same
        }
        if a.isEmpty, b.isEmpty {
            return .same
        }
        if let precedes = CanonicalJSON.precedesByUTF8(a, b) {
            return precedes ? .before : .after
        }
        let left = String(decoding: a, as: UTF8.self)
        let right = String(decoding: b, as: UTF8.self)
        return left.utf16.lexicographicallyPrecedes(right.utf16) ? .before : .after
    }
}

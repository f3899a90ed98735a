/// Writes one canonical JSON object straight into bytes, member by member, without building a dictionary or
/// sorting: the caller gives the members in RFC 8785 order (keys ascending in UTF-16 code units; a record with
/// fixed keys writes them in that order), and omits nil values as `CanonicalJSON.object(omittingNil:)` does.
///
/// `overrides` (the ledger's chain fields) are put in at their sorted places and replace the caller's members of
/// the same key; `marker` is a key whose place is noted without writing anything there (the ledger's `hash`).
public struct CanonicalObjectWriter {
    // The bytes written so far; `finish()` hands them over.
    private var bytes: [UInt8]
    /// Where a member named `marker` goes: after the last member whose key sorts before it (`afterMember`, the
    /// member then needs a leading comma) or, when none does, right after the `{`. Set by `finish()`.
    public private(set) var markerInsertion = (offset: 0, afterMember: false)
    /// Keys of the caller's members that an override replaced with a different value.
    public private(set) var replacedKeys: [String] = []

    private let overrides: [(key: String, value: CanonicalJSON)]
    private var nextOverride = 0
    private let marker: String?
    private var markerPlaced = false
    private var empty = true

    /// A writer appending to `bytes` (its `{` is written at once). `overrides` must be sorted by key.
    public init(
        bytes: [UInt8] = [],
        overrides: [(key: String, value: CanonicalJSON)] = [],
        marker: String? = nil
    ) {
        self.bytes = bytes
        self.overrides = overrides
        self.marker = marker
        self.bytes.append(UInt8(ascii: "{"))
        markerInsertion = (self.bytes.count, false)
    }

    /// Writes the overrides and notes the marker not yet placed, closes the object and returns its bytes.
    /// The bytes move out (this writer keeps none), so the caller owns the only reference to them.
    public mutating func finish() -> [UInt8] {
        close()
        var finished: [UInt8] = []
        swap(&finished, &bytes)
        return finished
    }

    private mutating func close() {
        while nextOverride < overrides.count {
            let override = overrides[nextOverride]
            nextOverride += 1
            placeMarker(before: override.key)
            writeKey(override.key)
            override.value.write(into: &bytes)
        }
        if marker != nil, !markerPlaced {
            markerPlaced = true
            markerInsertion = (bytes.count, !empty)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// A string member; nothing for nil.
    public mutating func member(_ key: String, _ value: String?) {
        guard let value, begin(key, replacing: .string(value)) else { return }
        CanonicalJSON.writeString(value, into: &bytes)
    }

    /// An integer member; nothing for nil.
    public mutating func member(_ key: String, _ value: Int64?) {
        guard let value, begin(key, replacing: .integer(value)) else { return }
        CanonicalJSON.writeInteger(value, into: &bytes)
    }

    /// An integer member; nothing for nil.
    public mutating func member(_ key: String, _ value: Int?) {
        member(key, value.map(Int64.init))
    }

    /// A member of any value; nothing for nil.
    public mutating func member(_ key: String, _ value: CanonicalJSON?) {
        guard let value, begin(key, replacing: value) else { return }
        value.write(into: &bytes)
    }

    /// A nested object whose members `write` gives in canonical order (no overrides, no marker inside).
    public mutating func member(_ key: String, object write: (inout CanonicalObjectWriter) -> Void) {
        // A nested object never equals an override here (the chain fields are strings and integers).
        guard begin(key, replacing: nil) else { return }
        // The nested writer appends to this writer's buffer: moved in and out, not copied.
        var buffer: [UInt8] = []
        swap(&buffer, &bytes)
        var nested = CanonicalObjectWriter(bytes: consume buffer)
        write(&nested)
        nested.close()
        swap(&bytes, &nested.bytes)
    }

    // Writes the overrides that sort before `key`, notes the marker, then the comma, key and colon. False when an
    // override has this key (the override's value was written instead; a different value is noted).
    private mutating func begin(_ key: String, replacing value: CanonicalJSON?) -> Bool {
        // The marker's member is the caller of this writer's to put in (the ledger computes `hash` last).
        guard key != marker else { return false }
        while nextOverride < overrides.count {
            let override = overrides[nextOverride]
            if override.key == key {
                nextOverride += 1
                placeMarker(before: key)
                writeKey(key)
                override.value.write(into: &bytes)
                if value != override.value {
                    replacedKeys.append(key)
                }
                return false
            }
            guard CanonicalJSON.precedesInUTF16Order(override.key, key) else { break }
            nextOverride += 1
            placeMarker(before: override.key)
            writeKey(override.key)
            override.value.write(into: &bytes)
        }
        placeMarker(before: key)
        writeKey(key)
        return true
    }

    private mutating func placeMarker(before key: String) {
        guard let marker, !markerPlaced, CanonicalJSON.precedesInUTF16Order(marker, key) else { return }
        markerPlaced = true
        markerInsertion = (bytes.count, !empty)
    }

    private mutating func writeKey(_ key: String) {
        if !empty {
            bytes.append(UInt8(ascii: ","))
        }
        empty = false
        CanonicalJSON.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }
}

/// The header block of an HMSG or HPUB: an optional status (`NATS/1.0 503`) and ordered fields.
///
/// Repeated names are allowed and case is preserved; lookups are case-insensitive.
public struct NATSHeaders: Sendable, Hashable {
    /// The status from the first line, e.g. `503` for no responders or `404 No Messages`.
    public struct Status: Sendable, Hashable {
        public var code: Int
        public var description: String?

        public init(code: Int, description: String? = nil) {
            self.code = code
            self.description = description
        }

        /// No one is subscribed to the request subject (or no JetStream stream matches).
        public static let noResponders = Status(code: 503)
    }

    /// One `Name: value` line.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var status: Status?
    public private(set) var fields: [Field]

    public init(status: Status? = nil, fields: [Field] = []) {
        self.status = status
        self.fields = fields
    }

    /// Appends a field, keeping any existing ones with the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// The first value for `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return self.fields.first { $0.name.lowercased() == lowered }?.value
    }

    /// All values for `name`, compared case-insensitively, in order.
    public func values(for name: String) -> [String] {
        let lowered = name.lowercased()
        return self.fields.filter { $0.name.lowercased() == lowered }.map(\.value)
    }
}

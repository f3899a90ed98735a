public import Rating
public import Records

// Rating hands record fields over as RatingFieldValue (it does not import Records); the node maps
// them one to one so a CDR carries exactly what Rating computed.
extension CanonicalJSON {
    /// The canonical JSON value of a rating field: string, integer, object and array map to themselves.
    public init(_ value: RatingFieldValue) {
        switch value {
        case .string(let text):
            self = .string(text)
        case .integer(let number):
            self = .integer(number)
        case .object(let fields):
            self = .object(fields.mapValues(CanonicalJSON.init))
        case .array(let values):
            self = .array(values.map(CanonicalJSON.init))
        }
    }

    /// A rating field map as canonical JSON fields.
    public static func fields(_ fields: [String: RatingFieldValue]) -> [String: CanonicalJSON] {
        fields.mapValues(CanonicalJSON.init)
    }
}

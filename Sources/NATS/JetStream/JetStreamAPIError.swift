/// An error answer of the JetStream API: `{"error":{"code":404,"err_code":10059,"description":"stream not found"}}`.
///
/// Compare `errorCode` (the stable JetStream code); `code` is the HTTP-like status.
public struct JetStreamAPIError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// HTTP-like status: 400, 404, 409, 503.
    public var code: Int
    /// The JetStream error code, e.g. 10059 stream not found.
    public var errorCode: Int
    public var errorDescription: String

    public init(code: Int, errorCode: Int, description: String) {
        self.code = code
        self.errorCode = errorCode
        self.errorDescription = description
    }

    enum CodingKeys: String, CodingKey {
        case code
        case errorCode = "err_code"
        case errorDescription = "description"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.code = try c.decode(Int.self, forKey: .code)
        self.errorCode = try c.decodeIfPresent(Int.self, forKey: .errorCode) ?? 0
        self.errorDescription = try c.decodeIfPresent(String.self, forKey: .errorDescription) ?? ""
    }

    public var description: String {
        "JetStreamAPIError(code: \(self.code), err_code: \(self.errorCode), \(self.errorDescription))"
    }

    /// `$JS.API.STREAM.INFO` of a stream that does not exist.
    public static let streamNotFound = 10059
    /// A stream of that name exists with another configuration.
    public static let streamNameInUse = 10058
    public static let consumerNotFound = 10014
    /// `Nats-Expected-Last-Sequence` did not match.
    public static let wrongLastSequence = 10071
    /// `Nats-Expected-Last-Msg-Id` did not match.
    public static let wrongLastMessageID = 10070
}

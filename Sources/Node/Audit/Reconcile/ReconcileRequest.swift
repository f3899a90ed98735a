import Records

/// The MESSAGE body that asks a peer for its CDRs of given receipts: `{"receipts": ["<guid>", ...]}`.
public struct ReconcileRequest: Sendable, Equatable {
    /// The `Content-Type` of reconcile bodies (requests and answers).
    public static let contentType = "application/sipswarm-reconcile+json"
    /// Receipts per request: the answer carries each one's CDR line and proof and must fit one SIP message
    /// (64 KiB by default); ask in batches of at most this many.
    public static let maximumReceipts = 8
    /// A receipt GUID longer than this is not one.
    public static let maximumGUIDBytes = 256
    /// Larger request bodies are refused before parsing.
    public static let maximumBodyBytes = 4 * 1024

    /// The receipt GUIDs asked for, in order, without repeats.
    public let receipts: [String]

    /// A request for `receipts` (repeats dropped); throws when there are none, too many, or one is empty or too long.
    public init(receipts: [String]) throws(ReconcileError) {
        var seen: Set<String> = []
        let unique = receipts.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else {
            throw ReconcileError(.malformed, "a reconcile request names no receipt")
        }
        guard unique.count <= Self.maximumReceipts else {
            throw ReconcileError(.tooLarge, "\(unique.count) receipts, at most \(Self.maximumReceipts) per request")
        }
        for guid in unique where guid.isEmpty || guid.utf8.count > Self.maximumGUIDBytes {
            throw ReconcileError(.malformed, "a receipt GUID is empty or longer than \(Self.maximumGUIDBytes) bytes")
        }
        self.receipts = unique
    }

    /// The canonical JSON body.
    public func encoded() -> [UInt8] {
        CanonicalJSON.object(["receipts": .array(receipts.map(CanonicalJSON.string))]).canonicalBytes()
    }

    /// Reads a body; throws `tooLarge` or `malformed`.
    public init(body: some Collection<UInt8>) throws(ReconcileError) {
        let value = try ReconcileBody.parse(body, maximumBytes: Self.maximumBodyBytes, maxDepth: 3, what: "request")
        guard case .object(let fields) = value, fields.count == 1, case .array(let elements)? = fields["receipts"] else {
            throw ReconcileError(.malformed, "request body is not {receipts: [string, ...]}")
        }
        var receipts: [String] = []
        for element in elements {
            guard case .string(let guid) = element else {
                throw ReconcileError(.malformed, "receipts holds something other than strings")
            }
            receipts.append(guid)
        }
        try self.init(receipts: receipts)
    }
}

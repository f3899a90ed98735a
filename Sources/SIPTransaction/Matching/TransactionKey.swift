/// The key that matches a message to its transaction (RFC 3261 §17.1.3 client, §17.2.3 server).
///
/// Only RFC 3261 branches (with the magic cookie) are supported; RFC 2543 peers are not matched.
public struct TransactionKey: Hashable, Sendable, CustomStringConvertible {
    /// Which side of the transaction the key belongs to; client and server keys never match each other.
    public enum Role: Sendable, Hashable {
        /// A transaction this node started (matches responses).
        case client
        /// A transaction a peer started (matches requests).
        case server
    }

    /// The prefix every RFC 3261 branch carries.
    public static let magicCookie = "z9hG4bK"

    /// Client or server side.
    public let role: Role
    /// The top Via branch, compared exactly.
    public let branch: String
    /// The top Via sent-by as `host` or `host:port` with the host lowercased; nil for client keys.
    public let sentBy: String?
    /// The method the transaction was created for; ACK is stored as INVITE on server keys.
    public let method: String

    private init(role: Role, branch: String, sentBy: String?, method: String) {
        self.role = role
        self.branch = branch
        self.sentBy = sentBy
        self.method = method
    }

    /// Whether the branch starts with the magic cookie and has something unique after it.
    public static func hasMagicCookie(_ branch: String) -> Bool {
        branch.hasPrefix(magicCookie) && branch.count > magicCookie.count
    }

    /// The key for matching a response: top Via branch and the CSeq method (§17.1.3).
    public static func client(branch: String, method: String) throws(TransactionError) -> TransactionKey {
        try validate(branch: branch, method: method)
        return TransactionKey(role: .client, branch: branch, sentBy: nil, method: method)
    }

    /// The key for matching a request: top Via branch, sent-by and method, with ACK matching INVITE (§17.2.3).
    ///
    /// A missing port is kept missing rather than defaulted, because retransmissions repeat the
    /// same Via text; CANCEL stays distinct so it gets its own non-INVITE transaction.
    public static func server(
        branch: String,
        sentByHost: String,
        sentByPort: Int?,
        method: String
    ) throws(TransactionError) -> TransactionKey {
        try validate(branch: branch, method: method)
        guard !sentByHost.isEmpty else {
            throw TransactionError(.emptyField, reason: "empty Via sent-by host")
        }
        let host = sentByHost.lowercased()
        let sentBy = sentByPort.map { "\(host):\($0)" } ?? host
        // The ACK for a non-2xx response carries the INVITE's branch and belongs to its transaction.
        let matchedMethod = method == "ACK" ? "INVITE" : method
        return TransactionKey(role: .server, branch: branch, sentBy: sentBy, method: matchedMethod)
    }

    private static func validate(branch: String, method: String) throws(TransactionError) {
        guard !method.isEmpty else {
            throw TransactionError(.emptyField, reason: "empty method")
        }
        guard hasMagicCookie(branch) else {
            throw TransactionError(.missingMagicCookie, reason: "Via branch lacks the z9hG4bK magic cookie")
        }
    }

    public var description: String {
        switch role {
        case .client: "client \(method) \(branch)"
        case .server: "server \(method) \(branch) \(sentBy ?? "")"
        }
    }
}

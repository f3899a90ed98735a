/// The one wildcard reply subscription `_INBOX.<random>.*` and the requests waiting on it, by token.
///
/// Generic over the waiting request so the routing is tested without continuations.
struct NATSInbox<Route: Sendable>: Sendable {
    /// `_INBOX.<22 random base-62 characters>`.
    let prefix: String
    /// The sid of `<prefix>.*`, once subscribed (on the first request).
    var sid: UInt64?
    private var routes: [String: Route] = [:]
    private var nextToken: UInt64 = 1

    init(prefix: String = NATSInboxPrefix.random()) {
        self.prefix = prefix
    }

    var wildcardSubject: String { self.prefix + ".*" }
    var pendingCount: Int { self.routes.count }

    /// A token unique for this client's lifetime (base 36 of a counter).
    mutating func makeToken() -> String {
        defer { self.nextToken += 1 }
        return String(self.nextToken, radix: 36)
    }

    func replySubject(for token: String) -> String { self.prefix + "." + token }

    mutating func add(_ route: Route, for token: String) {
        self.routes[token] = route
    }

    mutating func remove(_ token: String) -> Route? {
        self.routes.removeValue(forKey: token)
    }

    /// The token of a reply subject of this inbox, and its route if one waits.
    func route(forSubject subject: String) -> (token: String, route: Route)? {
        guard subject.utf8.count > self.prefix.utf8.count + 1, subject.hasPrefix(self.prefix + ".") else { return nil }
        let token = String(subject.dropFirst(self.prefix.count + 1))
        guard let route = self.routes[token] else { return nil }
        return (token, route)
    }

    mutating func removeAllRoutes() -> [Route] {
        defer { self.routes = [:] }
        return Array(self.routes.values)
    }

}

/// Random inbox prefixes, so replies of different clients never meet.
enum NATSInboxPrefix {
    static func random() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        let random = (0..<22).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }
        return "_INBOX." + String(random)
    }
}

/// The servers a connection may use, in order, with those that refused our credentials set aside.
struct NATSServerPool: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var url: NATSServerURL
        /// Learned from INFO `connect_urls`, not configured.
        var discovered: Bool
        /// The server answered CONNECT with an authorization violation: never try it again.
        var authFailed = false
    }

    private(set) var entries: [Entry]
    /// The index of the server in use or being tried.
    private(set) var current: Int

    init(_ urls: [NATSServerURL]) {
        self.entries = urls.map { Entry(url: $0, discovered: false) }
        self.current = 0
    }

    var currentURL: NATSServerURL { self.entries[self.current].url }
    var configuredCount: Int { self.entries.count { !$0.discovered } }

    mutating func markCurrentAuthFailed() {
        self.entries[self.current].authFailed = true
    }

    /// Moves to the next server that has not refused our credentials; `nil` when none is left.
    mutating func advance() -> NATSServerURL? {
        for step in 1...self.entries.count {
            let index = (self.current + step) % self.entries.count
            if !self.entries[index].authFailed {
                self.current = index
                return self.entries[index].url
            }
        }
        return nil
    }

    /// Adds servers from INFO `connect_urls` (`host:port`) that are not known yet; they inherit TLS and auth.
    mutating func discover(_ connectURLs: [String]) {
        let template = self.currentURL
        for text in connectURLs {
            guard var url = try? NATSServerURL(parsing: text) else { continue }
            url.tls = url.tls || template.tls
            if url.auth == nil { url.auth = template.auth }
            if !self.entries.contains(where: { $0.url.host == url.host && $0.url.port == url.port }) {
                self.entries.append(Entry(url: url, discovered: true))
            }
        }
    }
}

import NIOSSL

/// Builds the TLS client context from the options, once, and reports failures as `tlsFailure`.
enum NATSTLSContextFactory {
    static func makeContext(_ options: NATSTLSOptions) throws(NATSError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = options.caFile {
            configuration.trustRoots = .file(caFile)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw NATSError(.tlsFailure, reason: "cannot build the TLS context: \(error)")
        }
    }

    /// SNI and hostname checks take names only; an IP literal is checked against the certificate's IP SANs.
    static func serverHostname(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        return isIPv4 || host.contains(":") ? nil : host
    }
}

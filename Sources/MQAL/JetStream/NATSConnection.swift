public import NATS
public import Logging

/// One NATS client shared by every JetStream-backed stream of a node, connected on first use.
///
/// `NATSClient.connect` fails when no server answers at that moment; then the next call tries again (the
/// publishers call at their own backoff). Once connected, the client reconnects by itself across the URLs.
public actor NATSConnection {
    /// Where and how to connect.
    public struct Options: Sendable {
        /// Server URLs (`nats://host:port`, `tls://host:port`).
        public var urls: [String]
        /// Credentials.
        public var auth: NATSAuth
        /// A PEM file of CA certificates for TLS, instead of the system roots.
        public var tlsCAFile: String?
        /// Client name shown by the server.
        public var name: String
        /// Reconnect timing after a working connection is lost.
        public var reconnect: NATSReconnectPolicy

        /// Options for `urls`.
        public init(urls: [String], auth: NATSAuth = .none, tlsCAFile: String? = nil, name: String = "sipswarm",
                    reconnect: NATSReconnectPolicy = NATSReconnectPolicy()) {
            self.urls = urls
            self.auth = auth
            self.tlsCAFile = tlsCAFile
            self.name = name
            self.reconnect = reconnect
        }
    }

    private let options: Options
    private let logger: Logger
    private var client: NATSClient?
    private var connecting: Task<NATSClient, any Error>?
    private var closed = false

    /// A connection that is made on first use.
    public init(options: Options, logger: Logger = Logger(label: "sipswarm.mqal.nats")) {
        self.options = options
        self.logger = logger
    }

    /// The connected client, connecting now when there is none.
    public func connectedClient() async throws(StreamError) -> NATSClient {
        guard !closed else { throw StreamError(.closed, reason: "the NATS connection is closed") }
        if let client { return client }
        let task: Task<NATSClient, any Error>
        if let connecting {
            task = connecting
        } else {
            var clientOptions = NATSClientOptions(name: options.name, auth: options.auth)
            clientOptions.tls.caFile = options.tlsCAFile
            clientOptions.reconnect = options.reconnect
            let urls = options.urls
            let logger = logger
            task = Task { try await NATSClient.connect(urls: urls, options: clientOptions, logger: logger) }
            connecting = task
        }
        do {
            let connected = try await task.value
            connecting = nil
            if closed {
                await connected.close()
                throw StreamError(.closed, reason: "the NATS connection is closed")
            }
            client = connected
            return connected
        } catch let error as StreamError {
            throw error
        } catch {
            connecting = nil
            throw JetStreamBackend.streamError(from: error)
        }
    }

    /// Closes the client; later calls fail with `closed`.
    public func close() async {
        closed = true
        if let client {
            self.client = nil
            await client.close()
        }
    }
}

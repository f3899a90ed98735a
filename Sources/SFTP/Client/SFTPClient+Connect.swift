public import Logging
public import NIOCore
public import NIOPosix
internal import NIOSSH

extension SFTPClient {
    /// Connects, checks the host key, authenticates, opens the `sftp` subsystem and exchanges versions.
    ///
    /// Credentials are read before any network traffic, so a bad key file fails fast with `invalidPrivateKey` or
    /// `encryptedPrivateKey`. An unknown or changed host key fails with `unknownHostKey`/`hostKeyMismatch` before
    /// any credential is sent.
    public static func connect(
        _ configuration: SFTPClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sipswarm.sftp")
    ) async throws(SFTPError) -> SFTPClient {
        let credential = try loadCredential(configuration.authentication)
        let knownHosts: KnownHosts
        switch configuration.hostKeyPolicy {
        case .knownHosts(let path):
            knownHosts = try KnownHosts(contentsOf: path)
        }
        let target = "\(configuration.user)@\(configuration.host):\(configuration.port)"

        // The monitors are kept outside the pipelines: a host key refused at once closes the channel, and a closed
        // channel's pipeline no longer holds its handlers, so looking the monitor up there lost the typed error.
        let eventLoop = eventLoopGroup.next()
        let monitors = NIOLoopBoundBox.makeEmptyBox(valueType: [ObjectIdentifier: SSHConnectionMonitor].self, eventLoop: eventLoop)
        let connection: any Channel
        do {
            connection = try await bootstrap(configuration, credential: credential, knownHosts: knownHosts, group: eventLoop, monitors: monitors)
                .connect(host: configuration.host, port: configuration.port).get()
        } catch {
            logger.debug("sftp connect failed", metadata: ["target": "\(target)"])
            throw SFTPError(.connectionFailed, "cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }

        do throws(SFTPError) {
            try await awaitAuthentication(connection, monitors: monitors, timeout: configuration.connectTimeout)
            let (session, extensions) = try await openSession(connection, configuration: configuration)
            logger.debug(
                "sftp session ready",
                metadata: ["target": "\(target)", "extensions": "\(extensions.map(\.name).joined(separator: ","))"]
            )
            return SFTPClient(connection: connection, session: session, configuration: configuration, serverExtensions: extensions)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func loadCredential(_ authentication: SFTPClientConfiguration.Authentication) throws(SFTPError) -> SingleCredentialDelegate.Credential {
        switch authentication {
        case .privateKey(let path):
            return .privateKey(try OpenSSHPrivateKey.load(path: path))
        case .password(let password):
            return .password(password)
        }
    }

    private static func bootstrap(
        _ configuration: SFTPClientConfiguration,
        credential: SingleCredentialDelegate.Credential,
        knownHosts: KnownHosts,
        group: any EventLoop,
        monitors: NIOLoopBoundBox<[ObjectIdentifier: SSHConnectionMonitor]?>
    ) -> ClientBootstrap {
        ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ssh = NIOSSHHandler(
                        role: .client(
                            .init(
                                userAuthDelegate: SingleCredentialDelegate(user: configuration.user, credential: credential),
                                serverAuthDelegate: KnownHostsDelegate(
                                    knownHosts: knownHosts, host: configuration.host, port: configuration.port
                                )
                            )
                        ),
                        allocator: channel.allocator,
                        inboundChildChannelInitializer: nil
                    )
                    let monitor = SSHConnectionMonitor(authenticated: channel.eventLoop.makePromise())
                    try channel.pipeline.syncOperations.addHandlers(ssh, monitor)
                    monitors.value = (monitors.value ?? [:]).merging([ObjectIdentifier(channel): monitor]) { $1 }
                }
            }
    }

    /// Waits until the monitor reports authentication, or fails after `timeout`.
    private static func awaitAuthentication(
        _ connection: any Channel,
        monitors: NIOLoopBoundBox<[ObjectIdentifier: SSHConnectionMonitor]?>,
        timeout: TimeAmount
    ) async throws(SFTPError) {
        let future = connection.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            do {
                guard let monitor = monitors.value?[ObjectIdentifier(connection)] else {
                    throw SFTPError(.connectionClosed, "the connection has no SSH handshake monitor")
                }
                let deadline = connection.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                    monitor.timeOut(SFTPError(.timeout, "SSH handshake and authentication took longer than \(timeout)"))
                    connection.close(promise: nil)
                }
                let result = monitor.authenticatedFuture
                result.whenComplete { _ in deadline.cancel() }
                return result
            } catch {
                return connection.eventLoop.makeFailedFuture(error)
            }
        }
        do {
            try await future.get()
        } catch {
            throw SFTPError.from(error, during: "SSH handshake")
        }
    }

    /// Opens a session channel with the SFTP handlers and waits for VERSION.
    private static func openSession(
        _ connection: any Channel,
        configuration: SFTPClientConfiguration
    ) async throws(SFTPError) -> (any Channel, [SFTPExtension]) {
        let timeout = configuration.requestTimeout
        let future = connection.eventLoop.flatSubmit { () -> EventLoopFuture<(any Channel, [SFTPExtension])> in
            let ready = connection.eventLoop.makePromise(of: [SFTPExtension].self)
            let created = connection.eventLoop.makePromise(of: (any Channel).self)
            do {
                let ssh = try connection.pipeline.syncOperations.handler(type: NIOSSHHandler.self)
                ssh.createChannel(created, channelType: .session) { child, _ in
                    child.eventLoop.makeCompletedFuture {
                        try child.pipeline.syncOperations.addHandlers(
                            SSHChannelDataCodec(),
                            ByteToMessageHandler(SFTPPacketDecoder()),
                            SFTPClientHandler(ready: ready, requestTimeout: timeout)
                        )
                    }
                }
            } catch {
                created.fail(error)
            }
            created.futureResult.whenFailure { ready.fail($0) }
            return created.futureResult.and(ready.futureResult)
        }
        do {
            return try await future.get()
        } catch {
            throw SFTPError.from(error, during: "opening the SFTP session")
        }
    }
}

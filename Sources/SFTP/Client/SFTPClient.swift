public import NIOCore

/// An SFTP version 3 session over one SSH connection.
///
/// Every method may be called from any task; requests from concurrent callers are multiplexed by request id.
/// Call `close()` when done.
public final class SFTPClient: Sendable {
    let connection: any Channel
    let session: any Channel
    let configuration: SFTPClientConfiguration
    /// The extensions the server advertised in VERSION (e.g. `fsync@openssh.com`).
    public let serverExtensions: [SFTPExtension]

    init(connection: any Channel, session: any Channel, configuration: SFTPClientConfiguration, serverExtensions: [SFTPExtension]) {
        self.connection = connection
        self.session = session
        self.configuration = configuration
        self.serverExtensions = serverExtensions
    }

    /// Whether the server advertised extension `name` (any version).
    public func supports(_ name: String) -> Bool {
        serverExtensions.contains { $0.name == name }
    }

    /// Closes the SFTP channel and the SSH connection.
    public func close() async {
        try? await session.close()
        try? await connection.close()
    }

    /// Sends `request` without waiting: the building block of pipelining.
    public func send(_ request: SFTPRequest) -> EventLoopFuture<SFTPResponse> {
        let promise = session.eventLoop.makePromise(of: SFTPResponse.self)
        session.writeAndFlush(SFTPClientHandler.Command(request: request, promise: promise)).whenFailure { error in
            promise.fail(SFTPError.from(error, during: "sending a request"))
        }
        return promise.futureResult
    }

    /// Sends `request` and waits for its answer.
    public func request(_ request: SFTPRequest) async throws(SFTPError) -> SFTPResponse {
        try await Self.answer(send(request))
    }

    static func answer(_ future: EventLoopFuture<SFTPResponse>) async throws(SFTPError) -> SFTPResponse {
        do {
            return try await future.get()
        } catch {
            throw SFTPError.from(error, during: "an SFTP request")
        }
    }
}

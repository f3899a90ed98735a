import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import SIPCore
import SIPTransport
import Testing

/// A child process started while the transport listens must not inherit its sockets: NIO creates sockets without
/// close-on-exec on Linux, and an inherited listener kept the port bound after the node had closed it (the test
/// suite's nats-server, sshd and sipp children; "Address already in use" on the next start).
@Suite struct CloseOnExecListenerTests {
    // Ports of this suite alone (the metrics tests use 28500-28549).
    static let tcpPort = 28560
    static let udpPort = 28561

    @Test func aChildProcessDoesNotKeepTheListenersOpen() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let transport = SIPTransportLayer(eventLoop: group.next(), limits: SIPParserLimits(), logger: Logger(label: "test"))
        // Fixed ports below the kernel's ephemeral range (32768-60999), so no connect or bind elsewhere in the parallel
        // suite is handed them between the close and the rebind below.
        let tcp = try #require(try await transport.listenTCP(host: "127.0.0.1", port: Self.tcpPort).get().port)
        let udp = try #require(try await transport.listenUDP(host: "127.0.0.1", port: Self.udpPort).get().port)

        // posix_spawn with no file actions, as the suite starts sshd: every descriptor without close-on-exec
        // goes to the child. (Foundation's `Process` closes the others itself, so it would not show the problem.)
        let words: [String] = ["/bin/sleep", "30"]
        let argv = words.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        #expect(posix_spawn(&child, "/bin/sleep", nil, nil, argv, environ) == 0)
        defer {
            kill(child, SIGKILL)
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1, errno == EINTR {}
        }
        try await transport.close().get()

        // Both ports are free again although the child still runs.
        let tcpAgain = try await Self.bindWhenFree(.stream, port: tcp, reuseAddress: true)
        close(tcpAgain)
        let udpAgain = try await Self.bindWhenFree(.datagram, port: udp, reuseAddress: false)
        close(udpAgain)
        #expect(kill(child, 0) == 0, "the child still runs")
        try await group.shutdownGracefully()
    }

    /// Binds `port`, retrying "Address already in use" for up to 5 s.
    ///
    /// Another test of the same process may be starting a child at this moment: until that child's exec (where
    /// close-on-exec acts) it holds a copy of every descriptor, the listeners included, and on a loaded machine
    /// that lasts long enough for this rebind to fail (once in CI, once in a filtered local run at load 8). The
    /// sleeping child above has exec'd: had it inherited a listener, the port would stay taken for its whole 30 s
    /// and the last attempt would fail.
    static func bindWhenFree(_ kind: CloseOnExecSocket.Kind, port: Int, reuseAddress: Bool) async throws -> NIOBSDSocket.Handle {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            do {
                return try CloseOnExecSocket.bound(kind, host: "127.0.0.1", port: port, reuseAddress: reuseAddress)
            } catch let error as IOError where error.errnoCode == EADDRINUSE && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}

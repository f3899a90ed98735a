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
        // Fixed ports below the kernel's ephemeral range (32768-60999): with port 0 the port, once closed, went back
        // to the pool, and a connect or bind elsewhere in the parallel suite took it before the rebind below
        // ("Address already in use" in one CI run, with this test at 18 s).
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
        let tcpAgain = try CloseOnExecSocket.bound(.stream, host: "127.0.0.1", port: tcp, reuseAddress: true)
        close(tcpAgain)
        let udpAgain = try CloseOnExecSocket.bound(.datagram, host: "127.0.0.1", port: udp, reuseAddress: false)
        close(udpAgain)
        #expect(kill(child, 0) == 0, "the child still runs")
        try await group.shutdownGracefully()
    }
}

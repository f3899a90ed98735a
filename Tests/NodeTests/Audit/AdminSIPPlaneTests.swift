import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import SIPCore
import SIPTransaction
import SIPTransport
import Testing
@testable import Node

@Suite(.serialized) struct AdminSIPPlaneTests {
    // A peer that accepts the connection and never answers: the request waits for Timer F (32 s) unless cancelled.
    @Test func aCancelledSendToASilentPeerReturnsAtOnce() async throws {
        let silent = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(silent) }
        var reuse: Int32 = 1
        setsockopt(silent, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(28_205).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(silent, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(bound == 0 && listen(silent, 4) == 0)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let plane = AdminSIPPlane(eventLoop: group.next(), nodeID: "n1", limits: SIPParserLimits(), timers: .rfc3261, logger: Logger(label: "test"))
        _ = try await plane.bind(transport: .tcp, host: "127.0.0.1", port: 28_206)
        let peer = PeerSettings(id: "n2", uri: "sip:audit@127.0.0.1:28205;transport=tcp", host: "127.0.0.1", port: 28_205, transport: .tcp, publicKey: [])
        let request = AdminRequestFactory(nodeID: "n1", userAgent: "test").request(
            .publish, to: peer, over: plane, headers: [("Event", "sipswarm-checkpoint")], body: Array("{}".utf8), contentType: "application/json"
        )
        let destination = try AdminRequestFactory.destination(of: peer)
        let started = ContinuousClock.now
        let sending = Task { await plane.send(request, to: destination) }
        try await Task.sleep(for: .milliseconds(300))
        sending.cancel()
        let outcome = await sending.value
        #expect(ContinuousClock.now - started < .seconds(10))
        guard case .transportFailure = outcome else {
            Issue.record("expected a transport failure, got \(outcome)")
            return
        }
        await plane.close()
        try await group.shutdownGracefully()
    }
}

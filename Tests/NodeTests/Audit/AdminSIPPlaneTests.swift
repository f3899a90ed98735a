import Foundation
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
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Accepts connections and reads nothing: no handler ever answers.
        let silent = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 28_205).get()
        let plane = AdminSIPPlane(eventLoop: group.next(), nodeID: "n1", limits: SIPParserLimits(), timers: .rfc3261, logger: Logger(label: "test"))
        // 28206 and 28207 belong to AuditServiceTests, which runs in parallel with this suite.
        _ = try await plane.bind(transport: .tcp, host: "127.0.0.1", port: 28_208)
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
        try await silent.close()
        try await group.shutdownGracefully()
    }
}

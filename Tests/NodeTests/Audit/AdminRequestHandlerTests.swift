import Foundation
import Logging
import NIOCore
import SIPCore
import SIPTransport
import Testing
@testable import Node

@Suite struct AdminRequestHandlerTests {
    let handler: AdminRequestHandler

    init() throws {
        let peer = PeerSettings(id: "n2", uri: "sip:audit@127.0.0.1:5062", host: "127.0.0.1", port: 5062, transport: .tcp, publicKey: Array(repeating: 1, count: 32))
        let directory = PeerDirectory(peers: [peer])
        let data = AuditFixtures.temporaryDirectory()
        let records = RecordingAuditRecords()
        let witness = PeerWitness(
            directory: directory, store: WitnessStore(dataDirectory: data), records: records,
            alerter: AuditAlerter(records: records, logger: Logger(label: "test")), silenceThreshold: .seconds(3), logger: Logger(label: "test")
        )
        handler = AdminRequestHandler(
            directory: directory, witness: witness, eventPackage: "sipswarm-checkpoint", expires: 3, userAgent: "test", dataDirectory: data, logger: Logger(label: "test")
        )
    }

    func inbound(_ method: SIPMethod, node: String = "n2", from ip: String = "127.0.0.1", headers: [(String, String)] = []) throws -> AdminInboundRequest {
        var request = SIPRequest(method: method, uri: SIPURI(user: "audit", host: "127.0.0.1", port: 5062))
        request.headers.append("Via", "SIP/2.0/TCP \(ip):5999;branch=z9hG4bK-test")
        request.headers.append("CSeq", "1 \(method.token)")
        request.headers.append("X-BF-Node", node)
        for (name, value) in headers { request.headers.append(name, value) }
        let key = try #require(AdminServerTransactionKey(request))
        return AdminInboundRequest(request: request, source: SIPSource(transport: .tcp, remote: try SocketAddress(ipAddress: ip, port: 5999), connection: nil), transaction: key)
    }

    @Test func strangersAreForbiddenWhateverTheyAsk() async throws {
        #expect(await handler.respond(to: try inbound(.publish, node: "n9")).statusCode == 403)
        #expect(await handler.respond(to: try inbound(.options, from: "127.0.0.2")).statusCode == 403)
    }

    @Test func peersGetEventPackageAndMethodChecks() async throws {
        let wrongEvent = await handler.respond(to: try inbound(.publish, headers: [("Event", "presence")]))
        #expect(wrongEvent.statusCode == 489)
        #expect(wrongEvent.headers[SIPHeaderName("Allow-Events")] == "sipswarm-checkpoint")
        #expect(await handler.respond(to: try inbound(.invite)).statusCode == 405)
        #expect(await handler.respond(to: try inbound(.options)).statusCode == 200)
        let notJSON = await handler.respond(to: try inbound(.publish, headers: [("Event", "sipswarm-checkpoint"), ("Content-Type", "text/plain")]))
        #expect(notJSON.statusCode == 415)
        #expect(await handler.respond(to: try inbound(.message, headers: [("Content-Type", "text/plain")])).statusCode == 415)
    }
}

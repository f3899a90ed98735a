@testable import Node
import Testing

/// What an established call keeps once its INVITE transactions are over (issue 9: memory per held session).
@Suite struct HeldCallFootprintTests {
    @Test func anEstablishedCallDropsItsEndedTransactions() throws {
        let node = EngineHarness()
        _ = try #require(node.establishCall())
        let session = try #require(node.engine.activeSessions.values.first)
        // While the INVITE transactions live (Timers L and M, 64*T1), the session still reaches them.
        #expect(session.winner?.client != nil)
        #expect(session.aServer.holdsLastResponse)
        node.advance(by: .seconds(40))
        #expect(node.engine.activeSessions.count == 1)
        // Ended: the provider INVITE's transaction (its serialized request) and the customer's 2xx are freed.
        #expect(session.winner != nil)
        #expect(session.winner?.client == nil)
        #expect(!session.aServer.holdsLastResponse)
    }
}

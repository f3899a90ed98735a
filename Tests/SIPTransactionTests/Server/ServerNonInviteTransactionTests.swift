import SIPTransaction
import Testing

@Suite struct ServerNonInviteTransactionTests {
    typealias Driver = VirtualTimerDriver<ServerNonInviteTransaction>

    @Test func finalResponseIsRepeatedForRetransmissionsUntilTimerJ() {
        var driver = Driver(ServerNonInviteTransaction(reliableTransport: false))

        #expect(driver.send { $0.receivedRequest() } == [.deliverRequest])
        #expect(driver.send { $0.receivedRetransmission() }.isEmpty)

        driver.advance(by: ms(50))
        #expect(driver.send { $0.sendResponse(statusCode: 200) } == [
            .transmitResponse(statusCode: 200), .startTimer(.j, .seconds(32)),
        ])
        #expect(driver.send { $0.receivedRetransmission() } == [.retransmitLastResponse])

        driver.advance(by: .seconds(32))
        #expect(driver.times { $0 == .terminated } == [ms(32_050)])
        #expect(driver.send { $0.receivedRetransmission() }.isEmpty)
    }

    @Test func provisionalIsRepeatedForRetransmissions() {
        var transaction = ServerNonInviteTransaction(reliableTransport: false)
        _ = transaction.receivedRequest()

        #expect(transaction.sendResponse(statusCode: 100) == [.transmitResponse(statusCode: 100)])
        #expect(transaction.state == .proceeding(lastStatusCode: 100))
        #expect(transaction.receivedRetransmission() == [.retransmitLastResponse])
    }

    @Test func timerJIsZeroOnReliableTransport() {
        var transaction = ServerNonInviteTransaction(reliableTransport: true)
        _ = transaction.receivedRequest()

        #expect(transaction.sendResponse(statusCode: 404) == [.transmitResponse(statusCode: 404), .terminated])
        #expect(transaction.state == .terminated)
    }

    @Test func secondFinalResponseAndForeignTimersAreViolations() {
        var transaction = ServerNonInviteTransaction(reliableTransport: false)
        #expect(isViolation(transaction.receivedRetransmission()))
        _ = transaction.receivedRequest()
        _ = transaction.sendResponse(statusCode: 200)

        #expect(isViolation(transaction.sendResponse(statusCode: 500)))
        #expect(isViolation(transaction.timerFired(.h)))
        #expect(transaction.state == .completed(statusCode: 200))
        #expect(transaction.transportError() == [.cancelTimer(.j), .transportFailure, .terminated])
    }

    private func isViolation(_ actions: [ServerNonInviteTransaction.Action]) -> Bool {
        guard actions.count == 1, case .protocolViolation = actions[0] else { return false }
        return true
    }
}

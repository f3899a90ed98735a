import SIPTransaction
import Testing

@Suite struct ClientNonInviteTransactionTests {
    typealias Driver = VirtualTimerDriver<ClientNonInviteTransaction>

    private func started(reliable: Bool) -> Driver {
        var driver = Driver(ClientNonInviteTransaction(reliableTransport: reliable))
        driver.send { $0.start() }
        return driver
    }

    @Test func timerEDoublesUpToT2AndTimerFTimesOut() {
        var driver = started(reliable: false)
        #expect(driver.pendingTimers == [.e, .f])

        driver.advance(by: .seconds(40))

        // Intervals 500, 1000, 2000, 4000, then capped at T2 = 4 s.
        let sends = driver.times { $0 == .transmitRequest }
        #expect(sends == [0, 500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500].map(ms))
        #expect(driver.times { $0 == .timeout } == [.seconds(32)])
        #expect(driver.machine.state == .terminated)
        #expect(driver.pendingTimers.isEmpty)
        #expect(driver.strayCancels.isEmpty)
    }

    @Test func inProceedingTimerERetransmitsEveryT2() {
        var driver = started(reliable: false)
        driver.advance(by: ms(600))
        #expect(driver.send { $0.receivedResponse(statusCode: 100) } == [.deliverResponse(statusCode: 100)])
        #expect(driver.machine.state == .proceeding)

        driver.advance(by: .seconds(10))

        // The E already scheduled for 1.5 s keeps its slot; after that every 4 s.
        #expect(driver.times { $0 == .transmitRequest } == [0, 500, 1_500, 5_500, 9_500].map(ms))
    }

    @Test func reliableTransportNeverRetransmits() {
        var driver = started(reliable: true)
        #expect(driver.pendingTimers == [.f])

        driver.advance(by: .seconds(40))

        #expect(driver.times { $0 == .transmitRequest } == [.zero])
        #expect(driver.times { $0 == .timeout } == [.seconds(32)])
    }

    @Test func finalResponseStartsTimerKAndAbsorbsRetransmissions() {
        var driver = started(reliable: false)
        driver.advance(by: ms(100))

        let final = driver.send { $0.receivedResponse(statusCode: 200) }
        #expect(final == [
            .cancelTimer(.e), .cancelTimer(.f), .deliverResponse(statusCode: 200), .startTimer(.k, .seconds(5)),
        ])
        #expect(driver.send { $0.receivedResponse(statusCode: 200) }.isEmpty)
        #expect(driver.send { $0.receivedResponse(statusCode: 180) }.isEmpty)

        driver.advance(by: ms(4_999))
        #expect(driver.machine.state == .completed(statusCode: 200))
        driver.advance(by: ms(1))
        #expect(driver.times { $0 == .terminated } == [ms(5_100)])
        #expect(driver.times { $0 == .transmitRequest } == [.zero])
    }

    @Test func timerKIsZeroOnReliableTransport() {
        var driver = started(reliable: true)

        let final = driver.send { $0.receivedResponse(statusCode: 481) }

        #expect(final == [.cancelTimer(.f), .deliverResponse(statusCode: 481), .terminated])
        #expect(driver.pendingTimers.isEmpty)
    }

    @Test func transportErrorAndImpossibleCalls() {
        var transaction = ClientNonInviteTransaction(reliableTransport: false)
        #expect(isViolation(transaction.receivedResponse(statusCode: 200)))
        _ = transaction.start()
        #expect(isViolation(transaction.start()))
        #expect(isViolation(transaction.timerFired(.a)))
        #expect(isViolation(transaction.receivedResponse(statusCode: 42)))

        #expect(transaction.transportError() == [.cancelTimer(.e), .cancelTimer(.f), .transportFailure, .terminated])
        #expect(transaction.timerFired(.e).isEmpty)
        #expect(transaction.receivedResponse(statusCode: 200).isEmpty)
    }

    private func isViolation(_ actions: [ClientNonInviteTransaction.Action]) -> Bool {
        guard actions.count == 1, case .protocolViolation = actions[0] else { return false }
        return true
    }
}

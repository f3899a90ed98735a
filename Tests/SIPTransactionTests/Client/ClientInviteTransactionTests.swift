import SIPTransaction
import Testing

@Suite struct ClientInviteTransactionTests {
    typealias Driver = VirtualTimerDriver<ClientInviteTransaction>

    private func started(reliable: Bool) -> Driver {
        var driver = Driver(ClientInviteTransaction(reliableTransport: reliable))
        driver.send { $0.start() }
        return driver
    }

    @Test func timerARetransmitsWithDoublingIntervalsUntilTimerBTimesOut() {
        var driver = started(reliable: false)
        #expect(driver.pendingTimers == [.a, .b])

        driver.advance(by: .seconds(40))

        // Sent at 0, then A at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s (intervals 500 ms doubling, no T2 cap).
        let sends = driver.times { $0 == .transmitRequest }
        #expect(sends == [0, 500, 1_500, 3_500, 7_500, 15_500, 31_500].map(ms))
        #expect(driver.times { $0 == .timeout } == [.seconds(32)])
        #expect(driver.machine.state == .terminated)
        #expect(driver.pendingTimers.isEmpty)
        #expect(driver.strayCancels.isEmpty)
    }

    @Test func reliableTransportSendsOnceAndStillTimesOut() {
        var driver = started(reliable: true)
        #expect(driver.pendingTimers == [.b])

        driver.advance(by: .seconds(40))

        #expect(driver.times { $0 == .transmitRequest } == [.zero])
        #expect(driver.times { $0 == .timeout } == [.seconds(32)])
        #expect(driver.machine.state == .terminated)
    }

    @Test func provisionalResponseStopsRetransmissionAndTimerB() {
        var driver = started(reliable: false)
        driver.advance(by: ms(600))

        let actions = driver.send { $0.receivedResponse(statusCode: 180) }

        #expect(actions == [.cancelTimer(.a), .cancelTimer(.b), .deliverResponse(statusCode: 180)])
        #expect(driver.machine.state == .proceeding)
        driver.advance(by: .seconds(120))
        #expect(driver.times { $0 == .transmitRequest } == [0, 500].map(ms))
        #expect(driver.times { $0 == .timeout }.isEmpty)
        #expect(driver.send { $0.receivedResponse(statusCode: 183) } == [.deliverResponse(statusCode: 183)])
    }

    @Test func nonSuccessFinalIsAcknowledgedAndRetransmissionsOnlyResendACK() {
        var driver = started(reliable: false)
        driver.send { $0.receivedResponse(statusCode: 100) }

        let final = driver.send { $0.receivedResponse(statusCode: 486) }
        #expect(final == [.sendACK, .deliverResponse(statusCode: 486), .startTimer(.d, .seconds(32))])
        #expect(driver.machine.state == .completed(statusCode: 486))

        driver.advance(by: .seconds(2))
        #expect(driver.send { $0.receivedResponse(statusCode: 486) } == [.sendACK])
        #expect(driver.send { $0.receivedResponse(statusCode: 180) }.isEmpty)
        #expect(driver.log.filter { $0.action == .deliverResponse(statusCode: 486) }.count == 1)

        driver.advance(by: .seconds(29))
        #expect(driver.machine.state == .completed(statusCode: 486))
        driver.advance(by: .seconds(1))
        #expect(driver.times { $0 == .terminated } == [.seconds(32)])
        #expect(driver.strayCancels.isEmpty)
    }

    @Test func timerDIsZeroOnReliableTransport() {
        var driver = started(reliable: true)

        let final = driver.send { $0.receivedResponse(statusCode: 503) }

        #expect(final == [.cancelTimer(.b), .sendACK, .deliverResponse(statusCode: 503), .terminated])
        #expect(driver.machine.state == .terminated)
        #expect(driver.pendingTimers.isEmpty)
    }

    @Test func successGoesToAcceptedAndPassesEvery2xxUpUntilTimerM() {
        var driver = started(reliable: false)
        driver.advance(by: ms(700))

        let ok = driver.send { $0.receivedResponse(statusCode: 200) }
        #expect(ok == [
            .cancelTimer(.a), .cancelTimer(.b), .deliverResponse(statusCode: 200), .startTimer(.m, .seconds(32)),
        ])
        #expect(driver.machine.state == .accepted)

        // The TU sends the end-to-end ACK, so the retransmitted 2xx must reach it again.
        #expect(driver.send { $0.receivedResponse(statusCode: 200) } == [.deliverResponse(statusCode: 200)])
        // A 180 reordered behind the 200 is absorbed.
        #expect(driver.send { $0.receivedResponse(statusCode: 180) }.isEmpty)
        #expect(driver.send { $0.receivedResponse(statusCode: 486) }.isEmpty)

        driver.advance(by: .seconds(32))
        #expect(driver.times { $0 == .terminated } == [ms(32_700)])
        #expect(driver.times { $0 == .transmitRequest } == [0, 500].map(ms))
    }

    @Test func provisionalAfterFinalIsAbsorbed() {
        var driver = started(reliable: false)
        driver.send { $0.receivedResponse(statusCode: 404) }

        #expect(driver.send { $0.receivedResponse(statusCode: 180) }.isEmpty)
        #expect(driver.machine.state == .completed(statusCode: 404))
    }

    @Test func transportErrorInformsTUAndCancelsTimers() {
        var driver = started(reliable: false)

        let actions = driver.send { $0.transportError() }

        #expect(actions == [.cancelTimer(.a), .cancelTimer(.b), .transportFailure, .terminated])
        #expect(driver.pendingTimers.isEmpty)
        #expect(driver.send { $0.transportError() }.isEmpty)
        #expect(driver.send { $0.receivedResponse(statusCode: 200) }.isEmpty)
    }

    @Test func impossibleCallsReportViolationsInsteadOfCrashing() {
        var transaction = ClientInviteTransaction(reliableTransport: false)
        #expect(violationCodes(transaction.receivedResponse(statusCode: 200)) == [.invalidEvent])
        #expect(violationCodes(transaction.transportError()) == [.invalidEvent])

        _ = transaction.start()
        #expect(violationCodes(transaction.start()) == [.invalidEvent])
        #expect(violationCodes(transaction.receivedResponse(statusCode: 99)) == [.invalidStatusCode])
        #expect(violationCodes(transaction.receivedResponse(statusCode: 700)) == [.invalidStatusCode])
        #expect(violationCodes(transaction.timerFired(.g)) == [.foreignTimer])
        #expect(transaction.state == .calling)
    }

    @Test func staleTimerAfterCancelIsIgnored() {
        var transaction = ClientInviteTransaction(reliableTransport: false)
        _ = transaction.start()
        _ = transaction.receivedResponse(statusCode: 180)

        // The driver lost the race with the cancel: A fires anyway.
        #expect(transaction.timerFired(.a).isEmpty)
        #expect(transaction.timerFired(.d).isEmpty)
        #expect(transaction.state == .proceeding)
    }

    private func violationCodes(_ actions: [ClientInviteTransaction.Action]) -> [TransactionError.Code] {
        actions.compactMap { action -> TransactionError.Code? in
            if case .protocolViolation(let error) = action { error.code } else { nil }
        }
    }
}

import SIPTransaction
import Testing

@Suite struct ServerInviteTransactionTests {
    typealias Driver = VirtualTimerDriver<ServerInviteTransaction>

    private func received(reliable: Bool) -> Driver {
        var driver = Driver(ServerInviteTransaction(reliableTransport: reliable))
        driver.send { $0.receivedRequest() }
        return driver
    }

    @Test func initialInviteSendsTryingAtOnceAndRetransmissionsRepeatTheLastResponse() {
        var driver = Driver(ServerInviteTransaction(reliableTransport: false))

        #expect(driver.send { $0.receivedRequest() } == [.send100Trying, .deliverRequest])
        #expect(driver.machine.state == .proceeding(lastStatusCode: 100))
        #expect(driver.send { $0.receivedRetransmission() } == [.retransmitLastResponse])

        #expect(driver.send { $0.sendResponse(statusCode: 180) } == [.transmitResponse(statusCode: 180)])
        #expect(driver.machine.state == .proceeding(lastStatusCode: 180))
        #expect(driver.send { $0.receivedRetransmission() } == [.retransmitLastResponse])
        #expect(driver.pendingTimers.isEmpty)
    }

    @Test func timerGRetransmitsTheFailureUntilTheACKThenTimerIAbsorbsACKs() {
        var driver = received(reliable: false)

        let final = driver.send { $0.sendResponse(statusCode: 486) }
        #expect(final == [.transmitResponse(statusCode: 486), .startTimer(.g, ms(500)), .startTimer(.h, .seconds(32))])

        driver.advance(by: ms(8_000))
        // G: 500, 1000, 2000, 4000 ms intervals.
        #expect(driver.times { $0 == .retransmitLastResponse } == [500, 1_500, 3_500, 7_500].map(ms))
        #expect(driver.send { $0.receivedRetransmission() } == [.retransmitLastResponse])

        let ack = driver.send { $0.receivedACK() }
        #expect(ack == [.cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, .seconds(5))])
        #expect(driver.machine.state == .confirmed)

        #expect(driver.send { $0.receivedACK() }.isEmpty)
        #expect(driver.send { $0.receivedRetransmission() }.isEmpty)
        driver.advance(by: .seconds(5))
        #expect(driver.times { $0 == .terminated } == [.seconds(13)])
        #expect(driver.times { $0 == .retransmitLastResponse }.count == 5)
        #expect(driver.strayCancels.isEmpty)
    }

    @Test func timerGIsCappedAtT2() {
        var driver = received(reliable: false)
        driver.send { $0.sendResponse(statusCode: 500) }

        driver.advance(by: ms(20_000))

        #expect(driver.times { $0 == .retransmitLastResponse } == [500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500].map(ms))
    }

    @Test func timerHFiresWithoutACK() {
        var driver = received(reliable: false)
        driver.send { $0.sendResponse(statusCode: 603) }

        driver.advance(by: .seconds(33))

        #expect(driver.times { $0 == .timeout } == [.seconds(32)])
        #expect(driver.machine.state == .terminated)
        #expect(driver.pendingTimers.isEmpty)
        #expect(driver.send { $0.receivedACK() }.isEmpty)
    }

    @Test func reliableTransportSuppressesTimerGAndZeroesTimerI() {
        var driver = received(reliable: true)

        #expect(driver.send { $0.sendResponse(statusCode: 404) } == [
            .transmitResponse(statusCode: 404), .startTimer(.h, .seconds(32)),
        ])
        driver.advance(by: .seconds(10))
        #expect(driver.times { $0 == .retransmitLastResponse }.isEmpty)

        #expect(driver.send { $0.receivedACK() } == [.cancelTimer(.h), .terminated])
        #expect(driver.machine.state == .terminated)
    }

    @Test func successGoesToAcceptedWhereTheTURetransmitsAndTimerLEnds() {
        var driver = received(reliable: false)

        #expect(driver.send { $0.sendResponse(statusCode: 200) } == [
            .transmitResponse(statusCode: 200), .startTimer(.l, .seconds(32)),
        ])
        #expect(driver.machine.state == .accepted(statusCode: 200))
        #expect(driver.send { $0.sendResponse(statusCode: 200) } == [.transmitResponse(statusCode: 200)])
        #expect(driver.send { $0.receivedRetransmission() }.isEmpty)
        #expect(driver.send { $0.receivedACK() } == [.deliverACK])

        driver.advance(by: .seconds(32))
        #expect(driver.times { $0 == .terminated } == [.seconds(32)])
    }

    @Test func cancelOutcomesFollowTheState() {
        var transaction = ServerInviteTransaction(reliableTransport: false)
        #expect(transaction.receivedCancel() == .noTransaction)

        _ = transaction.receivedRequest()
        let whileProceeding = transaction.receivedCancel()
        #expect(whileProceeding == .terminateRequest)
        #expect(whileProceeding.cancelStatusCode == 200)
        #expect(whileProceeding.sendsRequestTerminated)

        _ = transaction.sendResponse(statusCode: 487)
        let afterFinal = transaction.receivedCancel()
        #expect(afterFinal == .tooLate)
        #expect(afterFinal.cancelStatusCode == 200)
        #expect(!afterFinal.sendsRequestTerminated)

        var answered = ServerInviteTransaction(reliableTransport: true)
        _ = answered.receivedRequest()
        _ = answered.sendResponse(statusCode: 200)
        #expect(answered.receivedCancel() == .tooLate)

        _ = transaction.receivedACK()
        _ = transaction.timerFired(.i)
        #expect(transaction.state == .terminated)
        #expect(transaction.receivedCancel() == .noTransaction)
        #expect(CancelOutcome.noTransaction.cancelStatusCode == 481)
    }

    @Test func impossibleTUCallsAreViolations() {
        var transaction = ServerInviteTransaction(reliableTransport: true)
        #expect(violationCodes(transaction.sendResponse(statusCode: 180)) == [.invalidEvent])
        #expect(violationCodes(transaction.receivedACK()) == [.invalidEvent])

        _ = transaction.receivedRequest()
        #expect(violationCodes(transaction.receivedRequest()) == [.invalidEvent])
        #expect(violationCodes(transaction.sendResponse(statusCode: 1_000)) == [.invalidStatusCode])
        #expect(transaction.receivedACK().isEmpty)

        _ = transaction.sendResponse(statusCode: 486)
        #expect(violationCodes(transaction.sendResponse(statusCode: 500)) == [.invalidEvent])
        #expect(violationCodes(transaction.timerFired(.b)) == [.foreignTimer])

        _ = transaction.receivedACK()
        #expect(transaction.state == .terminated)
        #expect(violationCodes(transaction.sendResponse(statusCode: 200)) == [.invalidEvent])
    }

    @Test func transportErrorTerminates() {
        var driver = received(reliable: false)
        driver.send { $0.sendResponse(statusCode: 480) }

        #expect(driver.send { $0.transportError() } == [
            .cancelTimer(.g), .cancelTimer(.h), .transportFailure, .terminated,
        ])
        #expect(driver.pendingTimers.isEmpty)
    }

    private func violationCodes(_ actions: [ServerInviteTransaction.Action]) -> [TransactionError.Code] {
        actions.compactMap { action -> TransactionError.Code? in
            if case .protocolViolation(let error) = action { error.code } else { nil }
        }
    }
}

import SIPTransaction
import Testing

@Suite struct UAS2xxRetransmissionTests {
    typealias Driver = VirtualTimerDriver<UAS2xxRetransmission>

    @Test func retransmitsWithDoublingCappedAtT2UntilTheACK() {
        var driver = Driver(UAS2xxRetransmission())
        #expect(driver.send { $0.start() } == [
            .startTimer(.retransmit2xx, ms(500)), .startTimer(.ack2xxTimeout, .seconds(32)),
        ])

        driver.advance(by: ms(12_000))
        #expect(driver.times { $0 == .retransmitResponse } == [500, 1_500, 3_500, 7_500, 11_500].map(ms))

        #expect(driver.send { $0.receivedACK() } == [.cancelTimer(.retransmit2xx), .cancelTimer(.ack2xxTimeout)])
        #expect(driver.machine.state == .acknowledged)
        driver.advance(by: .seconds(60))
        #expect(driver.times { $0 == .retransmitResponse }.count == 5)
        #expect(driver.times { $0 == .noACK }.isEmpty)
        #expect(driver.send { $0.receivedACK() }.isEmpty)
        #expect(driver.strayCancels.isEmpty)
    }

    @Test func givesUpAfter64T1WithoutACK() {
        var driver = Driver(UAS2xxRetransmission())
        driver.send { $0.start() }

        driver.advance(by: .seconds(60))

        #expect(driver.times { $0 == .noACK } == [.seconds(32)])
        #expect(driver.times { $0 == .retransmitResponse }.last == ms(31_500))
        #expect(driver.machine.state == .gaveUp)
        #expect(driver.pendingTimers.isEmpty)
        #expect(driver.send { $0.receivedACK() }.isEmpty)
    }

    @Test func honoursCustomTimerValues() {
        let timers = TransactionTimers(t1: ms(100), t2: ms(250), t4: .seconds(1))
        var driver = Driver(UAS2xxRetransmission(timers: timers))
        driver.send { $0.start() }

        driver.advance(by: .seconds(7))

        #expect(Array(driver.times { $0 == .retransmitResponse }.prefix(4)) == [100, 300, 550, 800].map(ms))
        #expect(driver.times { $0 == .noACK } == [ms(6_400)])
    }

    @Test func eventsBeforeStartAreViolations() {
        var machine = UAS2xxRetransmission()
        #expect(isViolation(machine.receivedACK()))
        #expect(isViolation(machine.timerFired(.g)))
        _ = machine.start()
        #expect(isViolation(machine.start()))
    }

    private func isViolation(_ actions: [UAS2xxRetransmission.Action]) -> Bool {
        guard actions.count == 1, case .protocolViolation = actions[0] else { return false }
        return true
    }
}

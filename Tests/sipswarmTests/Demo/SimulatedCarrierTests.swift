import NIOCore
import NIOPosix
import Testing
@testable import sipswarm

/// The simulated customer against a simulated provider directly (no node in between).
@Suite struct SimulatedCarrierTests {
    private let group = MultiThreadedEventLoopGroup.singleton

    /// Starts a provider, runs a customer aimed at it, stops both.
    private func runDirect(
        calls: Int = 20,
        provider providerConfiguration: SimulatedProvider.Configuration,
        customer customize: (inout SimulatedCustomer.Configuration) -> Void = { _ in }
    ) async throws -> (CustomerReport, SimulatedCustomer.Counters, SimulatedProvider.Counters) {
        let provider = try await SimulatedProvider.start(configuration: providerConfiguration, group: group)
        var configuration = SimulatedCustomer.Configuration(
            targetHost: "127.0.0.1", targetPort: provider.port, calls: calls, rate: 50,
            holdTime: .milliseconds(50), deadline: .seconds(20)
        )
        customize(&configuration)
        let customer = try await SimulatedCustomer.start(configuration: configuration, group: group)
        let report: CustomerReport
        do {
            report = try await customer.run()
        } catch {
            try? await customer.stop()
            try? await provider.stop()
            throw error
        }
        let customerCounters = customer.counters
        try await customer.stop()
        // The provider counts before it responds, so its counters are final once the customer is done.
        let providerCounters = provider.counters
        try await provider.stop()
        return (report, customerCounters, providerCounters)
    }

    @Test func answeredCallsAreHeldAndReleased() async throws {
        let (report, customer, provider) = try await runDirect(
            provider: SimulatedProvider.Configuration(answerDelay: .milliseconds(20))
        )
        #expect(report.total == 20)
        #expect(report.completed == 20, "\(report.results.map(\.outcome))")
        #expect(Set(report.results.map(\.callID)).count == 20)
        #expect(report.results.map(\.dialedNumber).allSatisfy { $0.hasPrefix("+4930") })
        #expect(customer.placed == 20)
        #expect(customer.ringing == 20)
        #expect(customer.answered == 20)
        #expect(customer.completed == 20)
        #expect(provider.invites == 20)
        #expect(provider.answered == 20)
        #expect(provider.acks == 20)
        #expect(provider.byes == 20)
        #expect(provider.rejected == 0)
        #expect(provider.malformed == 0)
    }

    @Test func rejectAllRejectsEveryCallWithThatCode() async throws {
        let (report, customer, provider) = try await runDirect(
            provider: SimulatedProvider.Configuration(rejectAll: 503)
        )
        #expect(report.rejected == 20)
        #expect(report.rejectedByStatus == [503: 20])
        #expect(customer.answered == 0)
        #expect(provider.invites == 20)
        #expect(provider.rejected == 20)
        #expect(provider.answered == 0)
    }

    @Test func rejectEveryRejectsEveryNthInvite() async throws {
        let (report, _, provider) = try await runDirect(
            provider: SimulatedProvider.Configuration(answerDelay: .milliseconds(10), rejectEvery: 2)
        )
        #expect(report.completed == 10)
        #expect(report.rejectedByStatus == [503: 10])
        #expect(provider.rejected == 10)
        #expect(provider.answered == 10)
    }

    @Test func cancelEveryCancelsAfterRinging() async throws {
        let (report, customer, provider) = try await runDirect(
            provider: SimulatedProvider.Configuration(answerDelay: .milliseconds(300))
        ) { $0.cancelEvery = 2 }
        #expect(report.cancelled == 10, "\(report.results.map(\.outcome))")
        #expect(report.completed == 10)
        #expect(report.results.allSatisfy { $0.outcome == ($0.cancelPlanned ? .cancelled : .completed) })
        #expect(customer.cancelled == 10)
        #expect(provider.cancels == 10)
        #expect(provider.answered == 10)
        #expect(provider.byes == 10)
    }

    @Test func unansweredInvitesTimeOutAfterRetransmissions() async throws {
        // A bound socket that never answers; fast timers so Timer B fires within a second.
        let silent = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let configuration = SimulatedCustomer.Configuration(
            targetHost: "127.0.0.1", targetPort: port, calls: 3, rate: 50,
            deadline: .seconds(10), timers: SimulatedSIPTimers(t1: .milliseconds(10), t2: .milliseconds(80))
        )
        let customer = try await SimulatedCustomer.start(configuration: configuration, group: group)
        let report = try await customer.run()
        try await customer.stop()
        try await silent.close()
        #expect(report.failedByReason == [.inviteTimeout: 3])
        // Timer A: 10, 20, 40, 80, 160, 320 ms before Timer B at 640 ms.
        #expect(customer.counters.retransmissions == 18)
    }

    @Test func deadlineEndsARunThatCannotFinish() async throws {
        let provider = try await SimulatedProvider.start(
            configuration: SimulatedProvider.Configuration(answerDelay: .seconds(30)), group: group
        )
        let configuration = SimulatedCustomer.Configuration(
            targetHost: "127.0.0.1", targetPort: provider.port, calls: 2, rate: 50, deadline: .milliseconds(300)
        )
        let customer = try await SimulatedCustomer.start(configuration: configuration, group: group)
        let report = try await customer.run()
        try await customer.stop()
        try await provider.stop()
        #expect(report.failedByReason == [.deadline: 2])
        #expect(report.elapsed < .seconds(5))
    }

    @Test func runTwiceIsRefused() async throws {
        let provider = try await SimulatedProvider.start(configuration: SimulatedProvider.Configuration(), group: group)
        let customer = try await SimulatedCustomer.start(
            configuration: SimulatedCustomer.Configuration(targetHost: "127.0.0.1", targetPort: provider.port, calls: 0),
            group: group
        )
        let report = try await customer.run()
        #expect(report.total == 0)
        await #expect(throws: SimulatedCarrierError(.alreadyRunning, "")) { try await customer.run() }
        try await customer.stop()
        try await provider.stop()
    }
}

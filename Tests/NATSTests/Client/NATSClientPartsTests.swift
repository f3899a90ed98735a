import NIOCore
import Testing
@testable import NATS

@Suite struct NATSClientPartsTests {
    @Test func permitsBoundInFlightAndHandOverInFIFOOrder() {
        var permits = NATSPermits<String>(limit: 2)
        #expect(permits.acquire(id: 1, "a") == .granted)
        #expect(permits.acquire(id: 2, "b") == .granted)
        #expect(permits.acquire(id: 3, "c") == .queued)
        #expect(permits.acquire(id: 4, "d") == .queued)
        #expect(permits.available == 0)
        #expect(permits.cancel(id: 3) == "c")
        #expect(permits.release() == "d")
        #expect(permits.release() == nil)
        #expect(permits.available == 1)
        #expect(permits.acquire(id: 5, "e") == .granted)
        #expect(permits.acquire(id: 6, "f") == .queued)
        #expect(permits.failAll() == ["f"])
        #expect(permits.acquire(id: 7, "g") == .closed)
    }

    @Test func inboxRoutesByTokenOnly() {
        var inbox = NATSInbox<String>(prefix: "_INBOX.abc")
        #expect(inbox.wildcardSubject == "_INBOX.abc.*")
        let token = inbox.makeToken()
        let other = inbox.makeToken()
        #expect(token != other)
        #expect(inbox.replySubject(for: token) == "_INBOX.abc.\(token)")
        inbox.add("waiter", for: token)
        #expect(inbox.route(forSubject: "_INBOX.abc.\(token)")?.token == token)
        #expect(inbox.route(forSubject: "_INBOX.abc.\(other)") == nil)
        #expect(inbox.route(forSubject: "_INBOX.abc.\(token)")?.route == "waiter")
        #expect(inbox.route(forSubject: "_INBOX.abcd.\(token)") == nil)
        #expect(inbox.route(forSubject: "_INBOX.abc.") == nil)
        #expect(inbox.removeAllRoutes().count == 1)
        #expect(inbox.pendingCount == 0)
    }

    @Test func randomInboxPrefixesDiffer() {
        let a = NATSInboxPrefix.random()
        let b = NATSInboxPrefix.random()
        #expect(a != b)
        #expect(a.hasPrefix("_INBOX.") && a.count == 7 + 22)
    }

    @Test func backoffDoublesUpToTheCapWithBoundedJitter() {
        let policy = NATSReconnectPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.25)
        #expect(policy.delay(attempt: 1, unit: 0) == .milliseconds(100))
        #expect(policy.delay(attempt: 2, unit: 0) == .milliseconds(200))
        #expect(policy.delay(attempt: 4, unit: 0) == .milliseconds(800))
        #expect(policy.delay(attempt: 5, unit: 0) == .seconds(1))
        #expect(policy.delay(attempt: 500, unit: 0) == .seconds(1))
        #expect(policy.delay(attempt: 1, unit: 1) == .milliseconds(125))
    }
}

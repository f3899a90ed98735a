import NIOCore
import Synchronization
import Testing
@testable import NATS

struct DeadlineExceeded: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// Collects a subscription's messages in the background, so tests wait for counts with a deadline.
final class Collector: Sendable {
    /// A class so the reading task and the test share one `Mutex` (which cannot be copied).
    private final class Storage: Sendable {
        let messages = Mutex<[NATSMessage]>([])
    }

    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ subscription: NATSSubscription) {
        let storage = self.storage
        self.task = Task {
            for await message in subscription {
                storage.messages.withLock { $0.append(message) }
            }
        }
    }

    var received: [NATSMessage] { self.storage.messages.withLock { $0 } }

    /// Waits until at least `count` messages arrived; throws after `timeout`.
    func wait(for count: Int, timeout: Duration = .seconds(30)) async throws -> [NATSMessage] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = self.received
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DeadlineExceeded(what: "\(count) messages (got \(self.received.count))")
    }

    deinit { self.task.cancel() }
}

/// Polls `condition` until true or `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw DeadlineExceeded(what: what)
}

/// Options for tests: fast reconnects, a short request timeout.
func testOptions(auth: NATSAuth = .none) -> NATSClientOptions {
    var options = NATSClientOptions(name: "sipswarm-nats-tests", auth: auth)
    options.reconnect = NATSReconnectPolicy(initialDelay: .milliseconds(50), maxDelay: .milliseconds(250))
    options.requestTimeout = .seconds(2)
    return options
}

/// Every integration suite runs one test at a time (each starts its own server on its own port).
@Suite(.serialized) struct NATSIntegrationTests {}

import NIOCore
@testable import NATS

typealias Machine = NATSConnectionStateMachine

/// Drives a `NATSConnectionStateMachine` with a virtual clock: timer actions are kept and fired
/// when the test advances time, so backoff, keep-alive and timeouts run without waiting.
struct StateMachineHarness {
    var machine: Machine
    private(set) var now: Duration = .zero
    private(set) var timers: [(due: Duration, timer: Machine.Timer)] = []
    /// Every action in order, for assertions over a whole scenario.
    private(set) var history: [Machine.Action] = []

    init(
        servers: [String] = ["nats://127.0.0.1:4222"], auth: NATSAuth = .none,
        reconnect: NATSReconnectPolicy = .init(initialDelay: .milliseconds(100), maxDelay: .seconds(2), jitter: 0.2),
        pingInterval: Duration = .seconds(10), maxPingsOutstanding: Int = 2, bufferLimit: Int = 64,
        requireTLS: Bool = false
    ) throws {
        var options = NATSConnectOptions(name: "test", auth: auth)
        options.version = "9.9"
        self.machine = Machine(
            configuration: .init(
                servers: try servers.map { try NATSServerURL(parsing: $0) }, connectOptions: options,
                reconnect: reconnect, pingInterval: pingInterval, maxPingsOutstanding: maxPingsOutstanding,
                reconnectBufferLimit: bufferLimit, handshakeTimeout: .seconds(2), requireTLS: requireTLS,
                discoverServers: true, jitterSeed: 7))
    }

    /// Records the actions and keeps the timers; returns the actions.
    @discardableResult
    mutating func record(_ actions: [Machine.Action]) -> [Machine.Action] {
        for action in actions {
            if case .scheduleTimer(let timer, let after) = action {
                self.timers.append((self.now + after, timer))
            }
        }
        self.history += actions
        return actions
    }

    /// Moves the clock forward, firing due timers in order; returns what they produced.
    @discardableResult
    mutating func advance(by duration: Duration) -> [Machine.Action] {
        let end = self.now + duration
        var produced: [Machine.Action] = []
        while let next = self.timers.enumerated().filter({ $0.element.due <= end }).min(by: { $0.element.due < $1.element.due }) {
            self.timers.remove(at: next.offset)
            self.now = next.element.due
            produced += self.record(self.machine.timerFired(next.element.timer))
        }
        self.now = end
        return produced
    }

    /// Start, TCP up, INFO, PONG: a connected machine; returns the connection id.
    @discardableResult
    mutating func connect(info: NATSServerInfo = .test()) -> Machine.ConnectionID {
        let actions = self.record(self.machine.start())
        guard case .openConnection(let id, _) = actions.first else { fatalError("expected openConnection") }
        return self.handshake(id, info: info)
    }

    /// Runs the handshake on an opened connection.
    @discardableResult
    mutating func handshake(_ id: Machine.ConnectionID, info: NATSServerInfo = .test()) -> Machine.ConnectionID {
        self.record(self.machine.channelActive(id))
        self.record(self.machine.infoReceived(id, info))
        self.record(self.machine.pongReceived(id))
        return id
    }

    /// The connection ids opened so far, in order.
    var opened: [(Machine.ConnectionID, NATSServerURL)] {
        self.history.compactMap {
            if case .openConnection(let id, let url) = $0 { return (id, url) }
            return nil
        }
    }

    /// Delays of the reconnect timers scheduled so far.
    var reconnectDelays: [Duration] {
        self.history.compactMap {
            if case .scheduleTimer(.reconnect, let after) = $0 { return after }
            return nil
        }
    }
}

extension NATSServerInfo {
    static func test(authRequired: Bool = false, tlsRequired: Bool = false, connectURLs: [String] = []) -> Self {
        NATSServerInfo(
            serverID: "NTEST", version: "2.9.10", headers: true, maxPayload: 1 << 20, authRequired: authRequired,
            tlsRequired: tlsRequired, jetstream: true, connectURLs: connectURLs)
    }
}

func expectedConnect(auth: NATSAuth = .none, tls: Bool = false) -> NATSClientCommand {
    var options = NATSConnectOptions(name: "test", auth: auth)
    options.version = "9.9"
    options.tlsRequired = tls
    return .connect(options)
}

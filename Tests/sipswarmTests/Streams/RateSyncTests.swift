import Foundation
import Logging
import MQAL
import Node
import Rating
@testable import sipswarm
import Synchronization
import Testing

/// Rate sync over the real local stream backend: every update on `ratesync` reaches the node in order; one that is
/// not an update is refused without stopping the ones after it.
@Suite struct RateSyncTests {
    static let header =
        "prefix,rate,currency,price_unit,initial_increment_s,next_increment_s,connection_fee,minimum_duration_s,effective_from,effective_until\n"

    @Test func updatesOnTheLocalStreamAreAppliedInOrderAndGarbageIsSkipped() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipswarm-ratesync-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let backend = LocalBackend(dataDirectory: directory, kind: "ratesync")
        try await backend.ensure()
        let first = RateDeckUpdate(trunk: .provider, id: "p1", unit: .perMinute, name: "a.csv", csv: Self.header + "44,0.0100,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,\n")
        let second = RateDeckUpdate(trunk: .provider, id: "p2", unit: .perMinute, name: "b.csv", csv: Self.header + "44,0.0110,EUR,per-min,6,6,0,0,2024-01-01T00:00:00Z,\n")
        let results = await backend.publish([
            OutboundMessage(node: "ops", kind: "ratesync", seq: 1, body: first.encoded()),
            OutboundMessage(node: "ops", kind: "ratesync", seq: 2, body: Array("not an update".utf8)),
            OutboundMessage(node: "ops", kind: "ratesync", seq: 3, body: second.encoded()),
        ])
        #expect(results.allSatisfy { (try? $0.get()) != nil })

        let applied = Mutex<[RateDeckUpdate]>([])
        let service = RateSyncService(
            openReader: { LocalStreamReader(dataDirectory: directory, kind: "ratesync") },
            apply: { update in
                applied.withLock { $0.append(update) }
                return .success(update.name)
            },
            logger: Logger(label: "rate-sync-test")
        )
        let task = Task { try await service.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while applied.withLock({ $0.count }) < 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        _ = try? await task.value
        #expect(applied.withLock { $0 } == [first, second])
    }
}

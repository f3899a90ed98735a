import Foundation
import Ledger
@testable import RecordStore
import Records
import Testing

/// Rotation swap latency, measured only when `SIPSWARM_MEASURE_ROTATION=1` (it is a measurement, not a test):
/// drives `LedgerChains` directly on real files, rotating every `SIPSWARM_ROTATE_EVERY` records (default 3), and
/// prints p50/p99/max of the swap and of the whole rotation (name, swap, manifest, next file).
@Suite struct RotationSwapMeasurement {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SIPSWARM_MEASURE_ROTATION"] == "1"))
    func swapLatency() throws {
        let environment = ProcessInfo.processInfo.environment
        let every = Int(environment["SIPSWARM_ROTATE_EVERY"] ?? "") ?? 3
        let rotations = Int(environment["SIPSWARM_ROTATIONS"] ?? "") ?? 5_000
        let directory = environment["SIPSWARM_MEASURE_DIR"].map { $0 + "/rotation-\(UUID().uuidString)" } ?? RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var outputs: [ChainOutput] = []
        for kind in LedgerChains.allKinds {
            let folder = directory + "/" + kind
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            outputs.append(ChainOutput(file: try POSIXRecordFile.createNew(in: folder, baseName: "\(kind)-n1-start"), chain: HashChain(nodeID: "n1", kind: kind)))
        }
        var chains = LedgerChains(cdr: outputs[0], attempt: outputs[1], audit: outputs[2], checkpoint: outputs[3], rotation: RotationPolicy(maxRecords: every))
        var swaps: [Duration] = []
        var whole: [Duration] = []
        let record = RecordFixtures.session(index: 1, attempts: 0).cdr
        guard case .object(let fields) = record.canonicalJSON() else { return }
        while swaps.count < rotations {
            for _ in 0..<every {
                chains.cdr.append(fields)
            }
            try chains.writeBuffers()
            let before = chains.cdr.rotations
            let started = ContinuousClock.now
            let errors = chains.syncWritten()
            let elapsed = ContinuousClock.now - started
            #expect(errors.isEmpty)
            if chains.cdr.rotations > before, let swap = chains.cdr.lastSwap {
                swaps.append(swap)
                whole.append(elapsed)
            }
        }
        chains.closeFiles()
        func line(_ name: String, _ values: [Duration]) -> String {
            let sorted = values.sorted()
            func at(_ q: Double) -> String {
                let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
                return String(format: "%.1f µs", Double(value.components.attoseconds) / 1e12 + Double(value.components.seconds) * 1e6)
            }
            return "\(name): n=\(sorted.count) p50 \(at(0.5)) p99 \(at(0.99)) max \(at(1.0))"
        }
        print(line("rotation swap", swaps))
        print(line("fsync + whole rotation", whole))
    }
}

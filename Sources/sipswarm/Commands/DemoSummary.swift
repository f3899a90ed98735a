import Foundation
import Node

/// The one-screen summary `sipswarm demo` prints, and the check that every call was recorded.
struct DemoSummary {
    let report: CustomerReport
    let statistics: NodeStatistics
    let cdrLines: [[String: Any]]
    let attemptLines: [[String: Any]]
    let providerInvites: Int
    let cdrFile: String
    let attemptFile: String

    /// Every call placed has exactly one CDR, every INVITE a provider saw has one attempt record,
    /// and no call failed for lack of an answer.
    var intact: Bool {
        cdrLines.count == placedCalls && attemptLines.count == providerInvites && report.failed == 0
    }

    var placedCalls: Int { report.results.count { !$0.callID.isEmpty } }

    var text: String {
        let answered = cdrLines.count { ($0["final_code"] as? Int) == 200 }
        let cancelled = cdrLines.count { ($0["release_cause"] as? String) == "cancel" }
        let failedOver = attemptLines.count { ($0["outcome"] as? String) == "failed_over" }
        let byProvider = Dictionary(grouping: cdrLines.compactMap { $0["provider_id"] as? String }, by: { $0 }).mapValues(\.count)
        let pdd = cdrLines.compactMap { $0["pdd_ms"] as? Int }.sorted()
        let seconds = Double(report.elapsed.components.seconds) + Double(report.elapsed.components.attoseconds) / 1e18
        var lines: [String] = []
        lines.append("")
        lines.append("calls placed      \(placedCalls) in \(String(format: "%.1f", seconds)) s")
        lines.append("  completed       \(report.completed)   cancelled \(report.cancelled)   rejected \(report.rejected)   failed \(report.failed)")
        lines.append("node sessions     \(statistics.sessionsStarted) started, \(statistics.sessionsEnded) ended, \(statistics.answered) answered")
        lines.append("attempts          \(attemptLines.count) (\(failedOver) failed over to the next provider)")
        lines.append("CDRs written      \(cdrLines.count): \(answered) answered, \(cancelled) cancelled; by provider \(byProvider.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        if !pdd.isEmpty {
            lines.append("PDD               p50 \(pdd[pdd.count / 2]) ms, max \(pdd[pdd.count - 1]) ms")
        }
        lines.append("records           \(cdrFile)")
        lines.append("                  \(attemptFile)")
        lines.append(intact
            ? "check             OK: one CDR per call, one attempt record per provider INVITE"
            : "check             FAILED: \(cdrLines.count) CDRs for \(placedCalls) calls, \(attemptLines.count) attempts for \(providerInvites) provider INVITEs, \(report.failed) calls failed")
        return lines.joined(separator: "\n")
    }

    /// Parses a JSON Lines file.
    static func lines(in path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return object
        }
    }
}

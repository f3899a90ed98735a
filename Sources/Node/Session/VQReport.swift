import Records

/// An RFC 6035 `vq-rtcpxr` session report (PUBLISH body `application/vq-rtcpxr`), reduced to what the CDR's quality
/// envelope keeps: the call it is about and the local metrics' MOS, loss, discard, round trip and jitter.
///
/// Decimal values (MOS 4.2, loss 0.5 %) stay strings so the canonical JSON stays integer-only and nothing is
/// rounded; whole numbers become integers.
struct VQReport: Equatable {
    /// The `CallID:` the report is about (either leg's Call-ID).
    let callID: String
    /// The `LocalMetrics:` values kept, by CDR field name.
    let metrics: [String: CanonicalJSON]

    /// The report body is small text; a longer one is not a report.
    static let maxBodyBytes = 8_192

    // metric token in the report → CDR field
    private static let kept: [String: String] = [
        "MOSLQ": "mos_lq", "MOSCQ": "mos_cq", "RLQ": "r_lq", "NLR": "loss_rate", "JDR": "discard_rate",
        "RTD": "rtt_ms", "ESD": "end_system_delay_ms", "IAJ": "jitter_ms", "MAJ": "max_jitter_ms",
    ]

    /// Nil when the body is not a report with a `CallID:`.
    init?(body: String) {
        guard body.utf8.count <= Self.maxBodyBytes else { return nil }
        var callID: String?
        var metrics: [String: CanonicalJSON] = [:]
        var section = ""
        for rawLine in body.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: " \t")
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: " \t")
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            switch name {
            case "CallID":
                callID = callID ?? value
            case "LocalMetrics", "RemoteMetrics":
                section = name
            default:
                // Only the reporting endpoint's own view; its picture of the far end is second-hand.
                guard section == "LocalMetrics" else { continue }
                for pair in value.split(separator: " ") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, let field = Self.kept[String(parts[0])], metrics[field] == nil else { continue }
                    let text = String(parts[1].prefix(16))
                    metrics[field] = Int64(text).map(CanonicalJSON.integer) ?? .string(text)
                }
            }
        }
        guard let callID, !callID.isEmpty, callID.utf8.count <= 256 else { return nil }
        self.callID = callID
        self.metrics = metrics
    }

    var canonicalJSON: CanonicalJSON {
        .object(metrics.merging(["source": .string("vq-rtcpxr")]) { own, _ in own })
    }
}

import Records
import SIPCore

/// RTCP summaries endpoints put on their BYE (`X-RTP-Stat`, `P-RTP-Stat`: `PS=1200,OS=19200,PL=3,JI=12,...`), as a
/// flat object for the CDR's quality envelope: numbers as integers, anything else as a string.
enum MediaStatistics {
    static let headers = [SIPHeaderName("X-RTP-Stat"), SIPHeaderName("P-RTP-Stat")]
    /// A summary is a handful of pairs; a longer header is not kept whole.
    static let maxPairs = 32
    static let maxValueLength = 64

    static func parse(_ request: SIPRequest) -> CanonicalJSON? {
        for name in headers {
            guard let value = request.headers[name] else { continue }
            var fields: [String: CanonicalJSON] = ["source": .string(name.description)]
            for pair in value.split(whereSeparator: { $0 == "," || $0 == ";" }).prefix(maxPairs) {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingCharacters(in: " \t").lowercased()
                let raw = parts[1].trimmingCharacters(in: " \t")
                guard !key.isEmpty, key.utf8.count <= 16, raw.utf8.count <= maxValueLength else { continue }
                fields[key] = Int64(raw).map(CanonicalJSON.integer) ?? .string(raw)
            }
            return .object(fields)
        }
        return nil
    }
}

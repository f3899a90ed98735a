import Node

// `[sip]`: protocol timers and parser limits; the whole section is optional.
extension ConfigurationLoader {
    static let sipKeys = [
        "t1_ms", "t2_ms", "t4_ms", "provider_timeout_ms", "ring_timeout_s",
        "max_message_bytes", "max_headers", "max_line_bytes",
        "session_expires_s", "min_se_s", "user_agent",
    ]

    static func decodeSIP(_ reader: inout TOMLTableReader?) throws(ConfigurationError) -> SIPSettings {
        let defaults = SIPSettings()
        guard var reader else { return defaults }
        let maxMillis = Self.maxSeconds * 1000

        let t1 = try reader.int("t1_ms", default: defaults.t1.wholeMilliseconds, in: 1...maxMillis, unit: "ms")
        let t2 = try reader.int("t2_ms", default: defaults.t2.wholeMilliseconds, in: 1...maxMillis, unit: "ms")
        guard t2 >= t1 else {
            throw reader.error(.invalidValue, at: reader.keyPath("t2_ms"), "must be at least t1_ms (\(t1)), got \(t2)")
        }
        let t4 = try reader.int("t4_ms", default: defaults.t4.wholeMilliseconds, in: 1...maxMillis, unit: "ms")
        let providerTimeout = try reader.int(
            "provider_timeout_ms",
            default: defaults.providerTimeout.wholeMilliseconds,
            in: 1...maxMillis,
            unit: "ms"
        )
        let ringTimeout = try reader.int(
            "ring_timeout_s",
            default: Int(defaults.ringTimeout.components.seconds),
            in: 1...Self.maxSeconds,
            unit: "seconds"
        )
        // Below ~1 KiB not even an ordinary INVITE fits; above 16 MiB is a memory hazard.
        let maxMessage = try reader.int(
            "max_message_bytes",
            default: defaults.maxMessageBytes,
            in: 1024...16_777_216,
            unit: "bytes"
        )
        let maxHeaders = try reader.int("max_headers", default: defaults.maxHeaders, in: 8...65536, unit: "headers")
        let maxLine = try reader.int("max_line_bytes", default: defaults.maxLineBytes, in: 128...16_777_216, unit: "bytes")
        guard maxLine <= maxMessage else {
            throw reader.error(
                .invalidValue,
                at: reader.keyPath("max_line_bytes"),
                "must not exceed max_message_bytes (\(maxMessage)), got \(maxLine)"
            )
        }
        // RFC 4028: Min-SE is never below 90 seconds, and Session-Expires never below Min-SE.
        let minSE = try reader.int(
            "min_se_s",
            default: Int(defaults.minSessionExpires.components.seconds),
            in: 90...Self.maxSeconds,
            unit: "seconds"
        )
        let sessionExpires = try reader.int(
            "session_expires_s",
            default: Int(defaults.sessionExpires.components.seconds),
            in: 90...Self.maxSeconds,
            unit: "seconds"
        )
        guard sessionExpires >= minSE else {
            throw reader.error(
                .invalidValue,
                at: reader.keyPath("session_expires_s"),
                "must be at least min_se_s (\(minSE)), got \(sessionExpires)"
            )
        }
        let userAgent = try reader.string("user_agent") ?? defaults.userAgent
        // It goes verbatim into a header: control characters would allow header injection.
        guard !userAgent.isEmpty, userAgent.utf8.count <= 256,
              userAgent.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else {
            throw reader.error(
                .invalidValue,
                at: reader.keyPath("user_agent"),
                "must be 1-256 bytes without control characters, got \(quoted(userAgent))"
            )
        }
        try reader.finish()

        return SIPSettings(
            t1: .milliseconds(t1),
            t2: .milliseconds(t2),
            t4: .milliseconds(t4),
            providerTimeout: .milliseconds(providerTimeout),
            ringTimeout: .seconds(ringTimeout),
            maxMessageBytes: maxMessage,
            maxHeaders: maxHeaders,
            maxLineBytes: maxLine,
            sessionExpires: .seconds(sessionExpires),
            minSessionExpires: .seconds(minSE),
            userAgent: userAgent
        )
    }
}

extension Duration {
    fileprivate var wholeMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

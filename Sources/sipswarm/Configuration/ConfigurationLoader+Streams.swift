import Foundation
import NATS
import Node

// `[streams.<kind>]` (where each record stream goes) and `[nats]` (the connection of `jetstream` streams);
// both optional. docs/streams.md describes what the values do.
extension ConfigurationLoader {
    static let streamKeys = ["backend", "stream", "subject"]
    static let natsKeys = [
        "urls", "user", "password", "token", "tls_ca_file", "duplicate_window_s", "publish_timeout_ms", "max_in_flight",
    ]
    // JetStream keeps every id of the window in memory; a day is far beyond any restart.
    static let maxDuplicateWindowSeconds = 86_400
    static let publishTimeoutMilliseconds = 100...600_000
    static let maxInFlightRange = 1...65_536

    static func decodeStreams(
        _ streamsReader: inout TOMLTableReader?,
        nats natsReader: inout TOMLTableReader?
    ) throws(ConfigurationError) -> StreamSettings {
        var selections: [String: StreamSelection] = [:]
        var subjects: [String: String] = [:]
        if var streams = streamsReader {
            var readers: [(String, TOMLTableReader)] = []
            for kind in StreamSettings.kinds {
                if let reader = try streams.table(kind, allowedKeys: Self.streamKeys) {
                    readers.append((kind, reader))
                }
            }
            try streams.finish()
            for (kind, reader) in readers {
                var reader = reader
                let selection = try Self.decodeStream(kind: kind, &reader)
                if selection.backend == .jetstream {
                    let subjectPath = reader.keyPath("subject")
                    if let other = subjects[selection.subject] {
                        throw reader.error(.duplicateID, at: subjectPath, "subject \(quoted(selection.subject)) is already used by streams.\(other)")
                    }
                    subjects[selection.subject] = kind
                }
                selections[kind] = selection
            }
        }
        let nats = try Self.decodeNATS(&natsReader)
        return StreamSettings(selections: selections, nats: nats)
    }

    private static func decodeStream(kind: String, _ reader: inout TOMLTableReader) throws(ConfigurationError) -> StreamSelection {
        let defaults = StreamSettings.defaultSelection(for: kind)
        var backend = defaults.backend
        if let text = try reader.string("backend") {
            guard let choice = StreamBackendChoice(rawValue: text) else {
                throw reader.error(.invalidValue, at: reader.keyPath("backend"), "must be \"local\", \"jetstream\" or \"none\", got \(quoted(text))")
            }
            backend = choice
        }
        let stream = try reader.string("stream") ?? defaults.stream
        guard Self.isStreamName(stream) else {
            throw reader.error(
                .invalidValue, at: reader.keyPath("stream"),
                "must be 1-255 characters of A-Z a-z 0-9 - _, got \(quoted(stream))"
            )
        }
        let subject = try reader.string("subject") ?? defaults.subject
        guard Self.isSubject(subject) else {
            throw reader.error(
                .invalidValue, at: reader.keyPath("subject"),
                "must be dot-separated tokens of printable ASCII without spaces, * or > ({node} as a whole token), got \(quoted(subject))"
            )
        }
        try reader.finish()
        return StreamSelection(backend: backend, stream: stream, subject: subject)
    }

    private static func decodeNATS(_ reader: inout TOMLTableReader?) throws(ConfigurationError) -> NATSSettings {
        let defaults = NATSSettings()
        guard var reader else { return defaults }
        var urls = defaults.urls
        if let entries = try reader.stringArray("urls") {
            guard !entries.isEmpty else {
                throw reader.error(.invalidValue, at: reader.keyPath("urls"), "must list at least one server URL")
            }
            for entry in entries {
                // The value is not echoed: a URL may carry a password.
                guard (try? NATSServerURL(parsing: entry.value)) != nil,
                    entry.value.hasPrefix("nats://") || entry.value.hasPrefix("tls://")
                else {
                    throw reader.error(.invalidValue, at: entry.keyPath, "expected \"nats://host:port\" or \"tls://host:port\"")
                }
            }
            urls = entries.map(\.value)
        }
        let user = try reader.string("user")
        let password = try reader.string("password")
        let token = try reader.string("token")
        if (user == nil) != (password == nil) {
            throw reader.error(.invalidValue, at: reader.keyPath(user == nil ? "password" : "user"), "user and password go together")
        }
        if token != nil, user != nil {
            throw reader.error(.invalidValue, at: reader.keyPath("token"), "use either token or user and password, not both")
        }
        let caFile = try reader.string("tls_ca_file")
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw reader.error(.invalidValue, at: reader.keyPath("tls_ca_file"), "cannot read \(quoted(caFile))")
        }
        let window = try reader.int(
            "duplicate_window_s", default: Int(defaults.duplicateWindow.components.seconds),
            in: 1...Self.maxDuplicateWindowSeconds, unit: "seconds"
        )
        let timeout = try reader.int(
            "publish_timeout_ms", default: Int(defaults.publishTimeout.components.seconds) * 1_000,
            in: Self.publishTimeoutMilliseconds, unit: "milliseconds"
        )
        let inFlight = try reader.int("max_in_flight", default: defaults.maxInFlight, in: Self.maxInFlightRange, unit: "publishes")
        try reader.finish()
        return NATSSettings(
            urls: urls, user: user, password: password, token: token, tlsCAFile: caFile,
            duplicateWindow: .seconds(window), publishTimeout: .milliseconds(timeout), maxInFlight: inFlight
        )
    }

    // NATS stream names may not contain `.`, `*`, `>`, spaces or path separators.
    private static func isStreamName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    // A publish subject: no wildcards, no empty tokens; `{node}` only as a token of its own.
    private static func isSubject(_ subject: String) -> Bool {
        guard !subject.isEmpty, subject.utf8.count <= 255 else { return false }
        return subject.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { token in
            if token == StreamSettings.nodePlaceholder { return true }
            return !token.isEmpty && token.utf8.allSatisfy { byte in
                byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "*") && byte != UInt8(ascii: ">")
                    && byte != UInt8(ascii: "{") && byte != UInt8(ascii: "}")
            }
        }
    }
}

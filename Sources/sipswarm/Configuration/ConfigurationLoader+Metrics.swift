import Node

// `[metrics]`: the Prometheus endpoint. Optional; absent means no endpoint, present with no keys means the defaults.
extension ConfigurationLoader {
    static let metricsKeys = ["listen", "path"]

    static func decodeMetrics(_ reader: inout TOMLTableReader?, sipListen: [ListenAddress]) throws(ConfigurationError) -> MetricsSettings? {
        guard var reader else { return nil }
        let listen = try reader.string("listen") ?? MetricsSettings.defaultListen.description
        let path = try reader.string("path") ?? MetricsSettings.defaultPath
        let settings: MetricsSettings
        do {
            settings = try MetricsSettings(parsingListen: listen, path: path)
        } catch {
            let key = error.code == .invalidHTTPPath ? "path" : "listen"
            throw reader.error(.invalidValue, at: reader.keyPath(key), error.reason)
        }
        // A TCP SIP socket on the same address would fail only at start-up; say so while the file is read.
        let clash = sipListen.contains { $0.transport == .tcp && $0.host == settings.listen.host && $0.port == settings.listen.port }
        guard !clash else {
            throw reader.error(.duplicateID, at: reader.keyPath("listen"), "\(quoted(listen)) is already a SIP tcp socket ([node] or [audit] listen); each needs its own")
        }
        try reader.finish()
        return settings
    }
}

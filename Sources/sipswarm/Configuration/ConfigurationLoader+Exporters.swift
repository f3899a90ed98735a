import Node

// `[export]` (retry pacing) and `[[exporters]]` (one table per target); both optional. docs/export.md describes what
// the values do. Secrets (keys, tokens, passwords) are never echoed into an error.
extension ConfigurationLoader {
    static let exportKeys = ["retry_base_ms", "retry_max_ms", "max_concurrent_uploads", "scan_interval_s"]

    // The keys each `type` takes besides `id`, `type` and `kinds`.
    static let exporterTypeKeys: [String: [String]] = [
        "local": ["dir"],
        "s3": [
            "endpoint", "region", "bucket", "prefix", "path_style", "access_key_id", "secret_access_key", "session_token",
            "multipart_threshold_bytes", "part_size_bytes",
        ],
        "azure": ["endpoint", "account", "container", "prefix", "shared_key", "sas_token", "block_threshold_bytes", "block_size_bytes"],
        "gcs": [
            "endpoint", "bucket", "prefix", "service_account_file", "token", "hmac_access_id", "hmac_secret",
            "resumable_threshold_bytes", "chunk_size_bytes",
        ],
        "sftp": ["host", "port", "user", "private_key_file", "password", "known_hosts_file", "remote_dir"],
    ]
    static let exporterTypes = ["local", "s3", "azure", "gcs", "sftp"]
    static let exporterKeys: [String] = {
        var keys = ["id", "type", "kinds"]
        for type in exporterTypes {
            for key in exporterTypeKeys[type] ?? [] where !keys.contains(key) {
                keys.append(key)
            }
        }
        return keys
    }()

    static let retryMillisecondsRange = 1...3_600_000
    static let maxConcurrentUploadsRange = 1...64
    static let scanIntervalSecondsRange = 1...86_400
    // S3 refuses parts under 5 MiB (but the last) and allows at most 10,000 parts of at most 5 GiB.
    static let s3PartSizeRange = (5 << 20)...(5 << 30)
    static let uploadThresholdRange = 1...(5 << 30)
    static let chunkSizeRange = (256 << 10)...(1 << 30)

    static func decodeExport(
        _ exportReader: inout TOMLTableReader?,
        exporters exporterReaders: [TOMLTableReader]?
    ) throws(ConfigurationError) -> ExportSettings {
        let defaults = ExportSettings()
        var settings = defaults
        if var reader = exportReader {
            let base = try reader.int(
                "retry_base_ms", default: Int(defaults.retryBase.components.seconds) * 1_000, in: Self.retryMillisecondsRange,
                unit: "milliseconds"
            )
            let max = try reader.int(
                "retry_max_ms", default: Int(defaults.retryMax.components.seconds) * 1_000, in: Self.retryMillisecondsRange,
                unit: "milliseconds"
            )
            guard max >= base else {
                throw reader.error(.invalidValue, at: reader.keyPath("retry_max_ms"), "must be at least retry_base_ms (\(base)), got \(max)")
            }
            settings.retryBase = .milliseconds(base)
            settings.retryMax = .milliseconds(max)
            settings.maxConcurrentUploads = try reader.int(
                "max_concurrent_uploads", default: defaults.maxConcurrentUploads, in: Self.maxConcurrentUploadsRange, unit: "uploads"
            )
            settings.scanInterval = .seconds(
                try reader.int(
                    "scan_interval_s", default: Int(defaults.scanInterval.components.seconds), in: Self.scanIntervalSecondsRange,
                    unit: "seconds"
                )
            )
            try reader.finish()
        }
        var ids: [String] = []
        for reader in exporterReaders ?? [] {
            var reader = reader
            let exporter = try Self.decodeExporter(&reader)
            if ids.contains(exporter.id) {
                throw reader.error(.duplicateID, at: reader.keyPath("id"), "exporter id \(quoted(exporter.id)) is used twice")
            }
            ids.append(exporter.id)
            settings.exporters.append(exporter)
        }
        return settings
    }

    private static func decodeExporter(_ reader: inout TOMLTableReader) throws(ConfigurationError) -> ExporterSettings {
        let id = try reader.requiredString("id")
        guard Self.isExporterID(id) else {
            throw reader.error(.invalidValue, at: reader.keyPath("id"), "must be 1-64 characters of A-Z a-z 0-9 - _, got \(quoted(id))")
        }
        let type = try reader.requiredString("type")
        guard let typeKeys = Self.exporterTypeKeys[type] else {
            throw reader.error(.invalidValue, at: reader.keyPath("type"), "must be \"local\", \"s3\", \"azure\", \"gcs\" or \"sftp\", got \(quoted(type))")
        }
        var kinds = ExportSettings.allKinds
        if let entries = try reader.stringArray("kinds") {
            guard !entries.isEmpty else {
                throw reader.error(.invalidValue, at: reader.keyPath("kinds"), "must list at least one kind")
            }
            kinds = []
            for entry in entries {
                guard ExportSettings.allKinds.contains(entry.value) else {
                    throw reader.error(
                        .invalidValue, at: entry.keyPath, "must be one of \(ExportSettings.allKinds.joined(separator: ", ")), got \(quoted(entry.value))"
                    )
                }
                if !kinds.contains(entry.value) { kinds.append(entry.value) }
            }
        }
        // A key of another type is a mistake worth naming as such, not a silently ignored setting.
        for key in Self.exporterKeys where !typeKeys.contains(key) && !["id", "type", "kinds"].contains(key) {
            if try Self.isPresent(key, in: &reader) {
                throw reader.error(.unknownKey, at: reader.keyPath(key), "not a key of type = \(quoted(type)) (its keys: \(typeKeys.joined(separator: ", ")))")
            }
        }
        let target: ExporterTarget
        switch type {
        case "local": target = .local(directory: try Self.nonEmpty("dir", &reader))
        case "s3": target = .s3(try Self.decodeS3(&reader))
        case "azure": target = .azure(try Self.decodeAzure(&reader))
        case "gcs": target = .gcs(try Self.decodeGCS(&reader))
        default: target = .sftp(try Self.decodeSFTP(&reader))
        }
        try reader.finish()
        return ExporterSettings(id: id, kinds: kinds, target: target)
    }

    private static func decodeS3(_ reader: inout TOMLTableReader) throws(ConfigurationError) -> S3ExportSettings {
        let defaults = S3ExportSettings(bucket: "")
        let accessKey = try reader.string("access_key_id")
        let secret = try reader.string("secret_access_key")
        if (accessKey == nil) != (secret == nil) {
            throw reader.error(.invalidValue, at: reader.keyPath(accessKey == nil ? "secret_access_key" : "access_key_id"), "access_key_id and secret_access_key go together")
        }
        let token = try reader.string("session_token")
        if token != nil, accessKey == nil {
            throw reader.error(.invalidValue, at: reader.keyPath("session_token"), "needs access_key_id and secret_access_key")
        }
        return S3ExportSettings(
            endpoint: try Self.endpoint(&reader),
            region: try reader.string("region") ?? defaults.region,
            bucket: try Self.nonEmpty("bucket", &reader),
            prefix: try reader.string("prefix") ?? "",
            pathStyle: try reader.bool("path_style") ?? false,
            accessKeyID: accessKey, secretAccessKey: secret, sessionToken: token,
            multipartThresholdBytes: try reader.int(
                "multipart_threshold_bytes", default: defaults.multipartThresholdBytes, in: Self.uploadThresholdRange, unit: "bytes"
            ),
            partSizeBytes: try reader.int("part_size_bytes", default: defaults.partSizeBytes, in: Self.s3PartSizeRange, unit: "bytes")
        )
    }

    private static func decodeAzure(_ reader: inout TOMLTableReader) throws(ConfigurationError) -> AzureExportSettings {
        let defaults = AzureExportSettings(account: "", container: "", credential: .sasToken(""))
        let endpoint = try Self.endpoint(&reader)
        let account = try Self.nonEmpty("account", &reader)
        let container = try Self.nonEmpty("container", &reader)
        let prefix = try reader.string("prefix") ?? ""
        let credential: AzureExportSettings.Credential
        switch (try reader.string("shared_key"), try reader.string("sas_token")) {
        case (let key?, nil):
            // The value is not echoed: it is the account key.
            guard Self.isBase64(key) else {
                throw reader.error(.invalidValue, at: reader.keyPath("shared_key"), "must be the base64 account key")
            }
            credential = .sharedKey(key)
        case (nil, let token?): credential = .sasToken(token)
        case (nil, nil): throw reader.error(.missingKey, at: reader.keyPath("shared_key"), "one of shared_key or sas_token is required")
        case (_?, _?): throw reader.error(.invalidValue, at: reader.keyPath("sas_token"), "use either shared_key or sas_token, not both")
        }
        return AzureExportSettings(
            endpoint: endpoint, account: account, container: container, prefix: prefix, credential: credential,
            blockThresholdBytes: try reader.int(
                "block_threshold_bytes", default: defaults.blockThresholdBytes, in: Self.uploadThresholdRange, unit: "bytes"
            ),
            blockSizeBytes: try reader.int("block_size_bytes", default: defaults.blockSizeBytes, in: Self.chunkSizeRange, unit: "bytes")
        )
    }

    private static func decodeGCS(_ reader: inout TOMLTableReader) throws(ConfigurationError) -> GCSExportSettings {
        let defaults = GCSExportSettings(bucket: "", credential: .token(""))
        let endpoint = try Self.endpoint(&reader)
        let bucket = try Self.nonEmpty("bucket", &reader)
        let prefix = try reader.string("prefix") ?? ""
        let file = try reader.string("service_account_file")
        let token = try reader.string("token")
        let hmacID = try reader.string("hmac_access_id")
        let hmacSecret = try reader.string("hmac_secret")
        if (hmacID == nil) != (hmacSecret == nil) {
            throw reader.error(.invalidValue, at: reader.keyPath(hmacID == nil ? "hmac_secret" : "hmac_access_id"), "hmac_access_id and hmac_secret go together")
        }
        let credential: GCSExportSettings.Credential
        switch (file, token, hmacID, hmacSecret) {
        case (let file?, nil, nil, nil): credential = .serviceAccountFile(file)
        case (nil, let token?, nil, nil): credential = .token(token)
        case (nil, nil, let id?, let secret?): credential = .hmac(accessID: id, secret: secret)
        case (nil, nil, nil, _):
            throw reader.error(.missingKey, at: reader.keyPath("service_account_file"), "one of service_account_file, token or hmac_access_id + hmac_secret is required")
        default:
            throw reader.error(.invalidValue, at: reader.keyPath("token"), "use only one of service_account_file, token or hmac_access_id + hmac_secret")
        }
        return GCSExportSettings(
            endpoint: endpoint, bucket: bucket, prefix: prefix, credential: credential,
            resumableThresholdBytes: try reader.int(
                "resumable_threshold_bytes", default: defaults.resumableThresholdBytes, in: Self.uploadThresholdRange, unit: "bytes"
            ),
            chunkSizeBytes: try reader.int("chunk_size_bytes", default: defaults.chunkSizeBytes, in: Self.chunkSizeRange, unit: "bytes")
        )
    }

    private static func decodeSFTP(_ reader: inout TOMLTableReader) throws(ConfigurationError) -> SFTPExportSettings {
        let host = try Self.nonEmpty("host", &reader)
        let port = try reader.int("port", default: 22, in: 1...65_535, unit: "")
        let user = try Self.nonEmpty("user", &reader)
        let credential: SFTPExportSettings.Credential
        switch (try reader.string("private_key_file"), try reader.string("password")) {
        case (let file?, nil): credential = .privateKeyFile(file)
        case (nil, let password?): credential = .password(password)
        case (nil, nil): throw reader.error(.missingKey, at: reader.keyPath("private_key_file"), "one of private_key_file or password is required")
        case (_?, _?): throw reader.error(.invalidValue, at: reader.keyPath("password"), "use either private_key_file or password, not both")
        }
        return SFTPExportSettings(
            host: host, port: port, user: user, credential: credential,
            knownHostsFile: try Self.nonEmpty("known_hosts_file", &reader), remoteDirectory: try Self.nonEmpty("remote_dir", &reader)
        )
    }

    private static func nonEmpty(_ key: String, _ reader: inout TOMLTableReader) throws(ConfigurationError) -> String {
        let value = try reader.requiredString(key)
        guard !value.isEmpty else { throw reader.error(.invalidValue, at: reader.keyPath(key), "must not be empty") }
        return value
    }

    private static func endpoint(_ reader: inout TOMLTableReader) throws(ConfigurationError) -> String? {
        guard let value = try reader.string("endpoint") else { return nil }
        guard value.hasPrefix("http://") || value.hasPrefix("https://"), value.count > 8, !value.contains("@"), !value.contains("?") else {
            throw reader.error(.invalidValue, at: reader.keyPath("endpoint"), "expected \"http(s)://host[:port][/path]\" without user info or query")
        }
        return value
    }

    // Present in any type: a wrong-typed value counts as present.
    private static func isPresent(_ key: String, in reader: inout TOMLTableReader) throws(ConfigurationError) -> Bool {
        do {
            return try reader.string(key) != nil
        } catch {
            return true
        }
    }

    private static func isExporterID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    private static func isBase64(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count % 4 == 0 && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
                || byte == UInt8(ascii: "=")
        }
    }
}

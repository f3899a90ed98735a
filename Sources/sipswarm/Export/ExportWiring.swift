import Export
import Logging
import Node

// Builds the export service from `[export]` and `[[exporters]]`; nil when no exporter is configured.
enum ExportWiring {
    static func make(configuration: NodeConfiguration, environment: [String: String], logger: Logger) throws(ExportError) -> ExportService? {
        let settings = configuration.export
        guard !settings.exporters.isEmpty else { return nil }
        var targets: [ExportTarget] = []
        for exporter in settings.exporters {
            targets.append(
                ExportTarget(exporter: try Self.exporter(exporter, environment: environment, logger: logger), kinds: Set(exporter.kinds))
            )
        }
        let policy = ExportPolicy(
            retryBase: settings.retryBase, retryMax: settings.retryMax, maxConcurrentUploads: settings.maxConcurrentUploads,
            scanInterval: settings.scanInterval
        )
        return try ExportService(dataDirectory: configuration.dataDirectory, targets: targets, policy: policy, logger: logger)
    }

    static func exporter(_ settings: ExporterSettings, environment: [String: String], logger: Logger) throws(ExportError) -> any FileExporter {
        switch settings.target {
        case .local(let directory):
            return LocalExporter(targetID: settings.id, directory: directory)
        case .s3(let s3):
            let credentials: AWSCredentials
            if let key = s3.accessKeyID, let secret = s3.secretAccessKey {
                credentials = AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: s3.sessionToken)
            } else if let fromEnvironment = AWSCredentials.fromEnvironment(environment) {
                credentials = fromEnvironment
            } else {
                throw ExportError(
                    .configuration,
                    reason: "exporter \(settings.id): no access_key_id/secret_access_key and no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
                    retryable: false
                )
            }
            return try S3Exporter(
                targetID: settings.id,
                configuration: S3Configuration(
                    endpoint: s3.endpoint, region: s3.region, bucket: s3.bucket, prefix: s3.prefix, pathStyle: s3.pathStyle,
                    credentials: credentials, multipartThreshold: Int64(s3.multipartThresholdBytes), partSize: s3.partSizeBytes
                )
            )
        case .azure(let azure):
            let authorization: AzureAuthorization
            switch azure.credential {
            case .sharedKey(let key): authorization = .sharedKey(key)
            case .sasToken(let token): authorization = .sasToken(token)
            }
            return try AzureBlobExporter(
                targetID: settings.id,
                configuration: AzureBlobConfiguration(
                    endpoint: azure.endpoint, account: azure.account, container: azure.container, prefix: azure.prefix,
                    authorization: authorization, blockThreshold: Int64(azure.blockThresholdBytes), blockSize: azure.blockSizeBytes
                )
            )
        case .gcs(let gcs):
            let authorization: GCSAuthorization
            switch gcs.credential {
            case .serviceAccountFile(let path): authorization = .serviceAccountFile(path)
            case .token(let token): authorization = .token(token)
            case .hmac(let id, let secret): authorization = .hmac(accessID: id, secret: secret)
            }
            return try GCSExporter(
                targetID: settings.id,
                configuration: GCSConfiguration(
                    endpoint: gcs.endpoint, bucket: gcs.bucket, prefix: gcs.prefix, authorization: authorization,
                    resumableThreshold: Int64(gcs.resumableThresholdBytes), chunkSize: gcs.chunkSizeBytes
                )
            )
        case .sftp(let sftp):
            let credential: SFTPExporterConfiguration.Credential
            switch sftp.credential {
            case .privateKeyFile(let path): credential = .privateKeyFile(path)
            case .password(let password): credential = .password(password)
            }
            return SFTPExporter(
                targetID: settings.id,
                configuration: SFTPExporterConfiguration(
                    host: sftp.host, port: sftp.port, user: sftp.user, credential: credential, knownHostsFile: sftp.knownHostsFile,
                    remoteDirectory: sftp.remoteDirectory
                ),
                logger: logger
            )
        }
    }
}

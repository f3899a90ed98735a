import Node
import Testing
@testable import sipswarm

private let base = MinimalConfiguration.toml

/// `[export]` and `[[exporters]]` (ConfigurationLoader+Exporters.swift, docs/configuration.md): every type's keys and
/// defaults, the `kinds` filter, and errors that name the key path.
@Suite struct ExportersConfigurationTests {
    private func load(_ text: String) throws(ConfigurationError) -> ExportSettings {
        try ConfigurationLoader.load(tomlString: base + text, fileName: "test.toml").export
    }

    private func failure(_ text: String) -> ConfigurationError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    private func only(_ text: String) throws -> ExporterSettings {
        let exporters = try load(text).exporters
        try #require(exporters.count == 1)
        return exporters[0]
    }

    @Test func noExportSectionsMeanNoTargetsAndDefaultPacing() throws {
        let export = try load("")
        #expect(export == ExportSettings())
        #expect(export.exporters.isEmpty)
        #expect(export.retryBase == .seconds(1))
        #expect(export.retryMax == .seconds(300))
        #expect(export.maxConcurrentUploads == 2)
        #expect(export.scanInterval == .seconds(60))
    }

    @Test func exportSectionIsRead() throws {
        let export = try load("""
            [export]
            retry_base_ms = 250
            retry_max_ms = 60000
            max_concurrent_uploads = 4
            scan_interval_s = 30
            """)
        #expect(export.retryBase == .milliseconds(250))
        #expect(export.retryMax == .milliseconds(60_000))
        #expect(export.maxConcurrentUploads == 4)
        #expect(export.scanInterval == .seconds(30))
    }

    @Test func localTakesDirAndEveryKindByDefault() throws {
        let exporter = try only("""
            [[exporters]]
            id = "archive"
            type = "local"
            dir = "/var/lib/sipswarm/archive"
            """)
        #expect(exporter == ExporterSettings(id: "archive", kinds: ["attempt", "audit", "bidlog", "cdr", "checkpoint"], target: .local(directory: "/var/lib/sipswarm/archive")))
    }

    @Test func s3KeysAndDefaults() throws {
        let minimal = try only("""
            [[exporters]]
            id = "s3"
            type = "s3"
            bucket = "cdrs"
            """)
        #expect(minimal.target == .s3(S3ExportSettings(bucket: "cdrs")))
        guard case .s3(let defaults) = minimal.target else { return }
        #expect(defaults.endpoint == nil)
        #expect(defaults.region == "us-east-1")
        #expect(defaults.prefix == "")
        #expect(defaults.pathStyle == false)
        #expect(defaults.accessKeyID == nil && defaults.secretAccessKey == nil && defaults.sessionToken == nil)
        #expect(defaults.multipartThresholdBytes == 64 << 20)
        #expect(defaults.partSizeBytes == 16 << 20)

        let full = try only("""
            [[exporters]]
            id = "s3"
            type = "s3"
            endpoint = "http://127.0.0.1:9000"
            region = "eu-west-1"
            bucket = "cdrs"
            prefix = "node1"
            path_style = true
            access_key_id = "AKID"
            secret_access_key = "secret"
            session_token = "token"
            multipart_threshold_bytes = 10485760
            part_size_bytes = 5242880
            """)
        #expect(full.target == .s3(S3ExportSettings(
            endpoint: "http://127.0.0.1:9000", region: "eu-west-1", bucket: "cdrs", prefix: "node1", pathStyle: true,
            accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: "token", multipartThresholdBytes: 10 << 20, partSizeBytes: 5 << 20
        )))
    }

    @Test func azureSharedKeyOrSASAndDefaults() throws {
        let shared = try only("""
            [[exporters]]
            id = "az"
            type = "azure"
            account = "acct"
            container = "cdrs"
            shared_key = "a2V5a2V5a2V5"
            """)
        #expect(shared.target == .azure(AzureExportSettings(account: "acct", container: "cdrs", credential: .sharedKey("a2V5a2V5a2V5"))))
        guard case .azure(let defaults) = shared.target else { return }
        #expect(defaults.endpoint == nil && defaults.prefix == "")
        #expect(defaults.blockThresholdBytes == 64 << 20)
        #expect(defaults.blockSizeBytes == 8 << 20)

        let sas = try only("""
            [[exporters]]
            id = "az"
            type = "azure"
            endpoint = "http://127.0.0.1:10000/acct"
            account = "acct"
            container = "cdrs"
            prefix = "n1"
            sas_token = "sv=2021-08-06&sig=abc"
            block_threshold_bytes = 1048576
            block_size_bytes = 262144
            """)
        #expect(sas.target == .azure(AzureExportSettings(
            endpoint: "http://127.0.0.1:10000/acct", account: "acct", container: "cdrs", prefix: "n1", credential: .sasToken("sv=2021-08-06&sig=abc"),
            blockThresholdBytes: 1 << 20, blockSizeBytes: 256 << 10
        )))
    }

    @Test func gcsTakesOneOfThreeCredentials() throws {
        let account = try only("""
            [[exporters]]
            id = "g"
            type = "gcs"
            bucket = "cdrs"
            service_account_file = "/etc/sipswarm/sa.json"
            """)
        #expect(account.target == .gcs(GCSExportSettings(bucket: "cdrs", credential: .serviceAccountFile("/etc/sipswarm/sa.json"))))
        guard case .gcs(let defaults) = account.target else { return }
        #expect(defaults.endpoint == nil && defaults.prefix == "")
        #expect(defaults.resumableThresholdBytes == 16 << 20)
        #expect(defaults.chunkSizeBytes == 8 << 20)

        let token = try only("[[exporters]]\nid = \"g\"\ntype = \"gcs\"\nbucket = \"cdrs\"\ntoken = \"ya29.x\"\n")
        #expect(token.target == .gcs(GCSExportSettings(bucket: "cdrs", credential: .token("ya29.x"))))

        let hmac = try only("""
            [[exporters]]
            id = "g"
            type = "gcs"
            endpoint = "http://127.0.0.1:9023"
            bucket = "cdrs"
            prefix = "n1"
            hmac_access_id = "GOOG1ID"
            hmac_secret = "s3cr3t"
            resumable_threshold_bytes = 1048576
            chunk_size_bytes = 524288
            """)
        #expect(hmac.target == .gcs(GCSExportSettings(
            endpoint: "http://127.0.0.1:9023", bucket: "cdrs", prefix: "n1", credential: .hmac(accessID: "GOOG1ID", secret: "s3cr3t"),
            resumableThresholdBytes: 1 << 20, chunkSizeBytes: 512 << 10
        )))
    }

    @Test func sftpKeysAndDefaultPort() throws {
        let key = try only("""
            [[exporters]]
            id = "ftp"
            type = "sftp"
            host = "archive.example.net"
            user = "cdr"
            private_key_file = "/etc/sipswarm/id_ed25519"
            known_hosts_file = "/etc/sipswarm/known_hosts"
            remote_dir = "incoming"
            """)
        #expect(key.target == .sftp(SFTPExportSettings(
            host: "archive.example.net", port: 22, user: "cdr", credential: .privateKeyFile("/etc/sipswarm/id_ed25519"),
            knownHostsFile: "/etc/sipswarm/known_hosts", remoteDirectory: "incoming"
        )))
        let password = try only("""
            [[exporters]]
            id = "ftp"
            type = "sftp"
            host = "10.0.0.9"
            port = 2222
            user = "cdr"
            password = "pw"
            known_hosts_file = "/k"
            remote_dir = "/srv/cdr"
            """)
        #expect(password.target == .sftp(SFTPExportSettings(
            host: "10.0.0.9", port: 2222, user: "cdr", credential: .password("pw"), knownHostsFile: "/k", remoteDirectory: "/srv/cdr"
        )))
    }

    @Test func kindsFilterTargetsAndKeepsFileOrder() throws {
        let export = try load("""
            [[exporters]]
            id = "billing"
            type = "local"
            dir = "/a"
            kinds = ["cdr", "attempt", "cdr"]

            [[exporters]]
            id = "audit"
            type = "local"
            dir = "/b"
            kinds = ["audit"]
            """)
        #expect(export.exporters.map(\.id) == ["billing", "audit"])
        #expect(export.exporters[0].kinds == ["cdr", "attempt"])
        #expect(export.exporters[1].kinds == ["audit"])
    }

    @Test func badTablesNameTheirKeyPath() {
        let local = "[[exporters]]\nid = \"a\"\ntype = \"local\"\ndir = \"/a\"\n"
        let s3 = "[[exporters]]\nid = \"s\"\ntype = \"s3\"\nbucket = \"b\"\n"
        let cases: [(String, String, ConfigurationError.Code)] = [
            // Unknown keys, and keys of another type.
            (local + "bukket = \"x\"\n", "exporters[0].bukket", .unknownKey),
            (s3 + "dir = \"/a\"\n", "exporters[0].dir", .unknownKey),
            (local + "port = 22\n", "exporters[0].port", .unknownKey),
            ("[export]\nretry_ms = 5\n", "export.retry_ms", .unknownKey),
            // Missing required keys.
            ("[[exporters]]\ntype = \"local\"\ndir = \"/a\"\n", "exporters[0].id", .missingKey),
            ("[[exporters]]\nid = \"a\"\ndir = \"/a\"\n", "exporters[0].type", .missingKey),
            ("[[exporters]]\nid = \"a\"\ntype = \"local\"\n", "exporters[0].dir", .missingKey),
            ("[[exporters]]\nid = \"s\"\ntype = \"s3\"\n", "exporters[0].bucket", .missingKey),
            ("[[exporters]]\nid = \"z\"\ntype = \"azure\"\naccount = \"a\"\ncontainer = \"c\"\n", "exporters[0].shared_key", .missingKey),
            ("[[exporters]]\nid = \"z\"\ntype = \"azure\"\ncontainer = \"c\"\nsas_token = \"t\"\n", "exporters[0].account", .missingKey),
            ("[[exporters]]\nid = \"g\"\ntype = \"gcs\"\nbucket = \"b\"\n", "exporters[0].service_account_file", .missingKey),
            ("[[exporters]]\nid = \"f\"\ntype = \"sftp\"\nhost = \"h\"\nuser = \"u\"\npassword = \"p\"\nremote_dir = \"d\"\n", "exporters[0].known_hosts_file", .missingKey),
            ("[[exporters]]\nid = \"f\"\ntype = \"sftp\"\nhost = \"h\"\nuser = \"u\"\nknown_hosts_file = \"k\"\nremote_dir = \"d\"\n", "exporters[0].private_key_file", .missingKey),
            // Values.
            ("[[exporters]]\nid = \"a\"\ntype = \"ftp\"\n", "exporters[0].type", .invalidValue),
            ("[[exporters]]\nid = \"a b\"\ntype = \"local\"\ndir = \"/a\"\n", "exporters[0].id", .invalidValue),
            ("[[exporters]]\nid = \"a\"\ntype = \"local\"\ndir = \"\"\n", "exporters[0].dir", .invalidValue),
            (local + "kinds = []\n", "exporters[0].kinds", .invalidValue),
            (local + "kinds = [\"cdr\", \"cdrs\"]\n", "exporters[0].kinds[1]", .invalidValue),
            (local + "kinds = \"cdr\"\n", "exporters[0].kinds", .wrongType),
            (local + local, "exporters[1].id", .duplicateID),
            (s3 + "endpoint = \"ftp://h\"\n", "exporters[0].endpoint", .invalidValue),
            (s3 + "path_style = \"yes\"\n", "exporters[0].path_style", .wrongType),
            // A half pair names the key that was given, the line to fix.
            (s3 + "access_key_id = \"AKID\"\n", "exporters[0].access_key_id", .invalidValue),
            (s3 + "secret_access_key = \"s\"\n", "exporters[0].secret_access_key", .invalidValue),
            (s3 + "session_token = \"t\"\n", "exporters[0].session_token", .invalidValue),
            (s3 + "part_size_bytes = 1024\n", "exporters[0].part_size_bytes", .invalidValue),
            ("[[exporters]]\nid = \"z\"\ntype = \"azure\"\naccount = \"a\"\ncontainer = \"c\"\nshared_key = \"k\"\nsas_token = \"t\"\n", "exporters[0].sas_token", .invalidValue),
            ("[[exporters]]\nid = \"z\"\ntype = \"azure\"\naccount = \"a\"\ncontainer = \"c\"\nshared_key = \"not base64!\"\n", "exporters[0].shared_key", .invalidValue),
            ("[[exporters]]\nid = \"g\"\ntype = \"gcs\"\nbucket = \"b\"\ntoken = \"t\"\nservice_account_file = \"f\"\n", "exporters[0].token", .invalidValue),
            ("[[exporters]]\nid = \"g\"\ntype = \"gcs\"\nbucket = \"b\"\nhmac_access_id = \"i\"\n", "exporters[0].hmac_access_id", .invalidValue),
            ("[[exporters]]\nid = \"g\"\ntype = \"gcs\"\nbucket = \"b\"\ntoken = \"t\"\nchunk_size_bytes = 1000\n", "exporters[0].chunk_size_bytes", .invalidValue),
            ("[[exporters]]\nid = \"f\"\ntype = \"sftp\"\nhost = \"h\"\nport = 0\nuser = \"u\"\npassword = \"p\"\nknown_hosts_file = \"k\"\nremote_dir = \"d\"\n", "exporters[0].port", .invalidValue),
            ("[export]\nretry_base_ms = 5000\nretry_max_ms = 1000\n", "export.retry_max_ms", .invalidValue),
            ("[export]\nmax_concurrent_uploads = 0\n", "export.max_concurrent_uploads", .invalidValue),
            ("[export]\nscan_interval_s = 0\n", "export.scan_interval_s", .invalidValue),
        ]
        for (text, location, code) in cases {
            let error = failure(text)
            #expect(error?.code == code, "\(text)")
            #expect(error?.location == location, "\(text): \(error?.description ?? "no error")")
            #expect(error?.description.contains("\n") == false)
        }
    }

    // Keys, secrets and passwords are never echoed back in the one-line error.
    @Test func secretsStayOutOfErrors() {
        let cases = [
            ("[[exporters]]\nid = \"z\"\ntype = \"azure\"\naccount = \"a\"\ncontainer = \"c\"\nshared_key = \"hunter2-key!\"\n", "hunter2-key!"),
            ("[[exporters]]\nid = \"s\"\ntype = \"s3\"\nbucket = \"b\"\nsecret_access_key = \"hunter2-secret\"\n", "hunter2-secret"),
            ("[[exporters]]\nid = \"f\"\ntype = \"sftp\"\nhost = \"h\"\nuser = \"u\"\npassword = \"hunter2-pw\"\nprivate_key_file = \"k\"\nknown_hosts_file = \"k\"\nremote_dir = \"d\"\n", "hunter2-pw"),
        ]
        for (text, secret) in cases {
            let error = failure(text)
            #expect(error != nil, "\(text)")
            #expect(error?.description.contains(secret) == false)
        }
    }
}

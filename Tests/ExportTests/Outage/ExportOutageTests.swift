import Testing

/// Issue 8's outage test, once per target type (docs/export.md, "Tests"): `OutageScenario` stops the target mid-run
/// while a real record sink keeps closing files, restarts the node during the outage, brings the target back over
/// the same store, and checks that every closed file arrived exactly once with its SHA-256. Serialized: each run
/// starts servers and a record sink, and CI has two cores.
@Suite("Export outage per target", .serialized)
struct ExportOutageTests {
    private func run(_ target: some OutageTarget) async throws {
        do {
            try await OutageScenario.run(target)
        } catch {
            await target.tearDown()
            throw error
        }
        await target.tearDown()
    }

    @Test("local: the archive volume goes away and comes back")
    func local() async throws {
        try await run(try LocalOutageTarget())
    }

    @Test("S3: moto_server killed and restarted over its recorded store")
    func s3() async throws {
        try await run(try S3OutageTarget())
    }

    @Test("GCS: the emulator killed and restarted over its disk store")
    func gcs() async throws {
        try await run(try GCSOutageTarget())
    }

    @Test("Azure: the Blob service's listener closed and reopened on the same port")
    func azure() async throws {
        try await run(try AzureOutageTarget())
    }

    @Test("SFTP: sshd killed and restarted on the same port and host key")
    func sftp() async throws {
        try await run(try SFTPOutageTarget())
    }
}

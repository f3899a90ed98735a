import Node
import Testing
@testable import sipswarm

private let base = MinimalConfiguration.toml

@Suite struct StreamsConfigurationTests {
    private func load(_ text: String) throws(ConfigurationError) -> NodeConfiguration {
        try ConfigurationLoader.load(tomlString: base + text, fileName: "test.toml")
    }

    private func failure(_ text: String) -> ConfigurationError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsAreLocalChainsAndNoRateSync() throws {
        let streams = try load("").streams
        for kind in ["cdr", "attempt", "audit", "bidlog"] {
            #expect(streams.selection(for: kind).backend == .local)
        }
        #expect(streams.selection(for: "ratesync").backend == StreamBackendChoice.none)
        #expect(streams.selection(for: "cdr").stream == "SIPSWARM_CDR")
        #expect(streams.selection(for: "bidlog").stream == "SIPSWARM_BIDLOG")
        #expect(streams.selection(for: "cdr").subject(nodeID: "n1") == "sipswarm.n1.cdr")
        #expect(streams.selection(for: "cdr").streamSubject == "sipswarm.*.cdr")
        #expect(streams.nats == NATSSettings())
        #expect(streams.nats.duplicateWindow == .seconds(600))
        #expect(streams.nats.maxInFlight == 256)
    }

    @Test func jetstreamSelectionAndNATSSectionAreRead() throws {
        let streams = try load("""
            [streams.cdr]
            backend = "jetstream"
            stream = "CDRS"
            subject = "billing.{node}.cdr"

            [streams.audit]
            backend = "none"

            [nats]
            urls = ["nats://10.0.0.1:4222", "tls://nats.example.net:4443"]
            user = "sipswarm"
            password = "secret"
            duplicate_window_s = 3600
            publish_timeout_ms = 2000
            max_in_flight = 64
            """).streams
        #expect(streams.selection(for: "cdr") == StreamSelection(backend: .jetstream, stream: "CDRS", subject: "billing.{node}.cdr"))
        #expect(streams.selection(for: "audit").backend == StreamBackendChoice.none)
        #expect(streams.selection(for: "attempt").backend == .local)
        #expect(streams.nats == NATSSettings(
            urls: ["nats://10.0.0.1:4222", "tls://nats.example.net:4443"], user: "sipswarm", password: "secret",
            duplicateWindow: .seconds(3600), publishTimeout: .milliseconds(2000), maxInFlight: 64
        ))
    }

    @Test func badValuesNameTheirKey() {
        let cases: [(String, String, ConfigurationError.Code)] = [
            ("[streams.cdr]\nbackend = \"kafka\"\n", "streams.cdr.backend", .invalidValue),
            ("[streams.ratesync]\nbackend = \"kafka\"\n", "streams.ratesync.backend", .invalidValue),
            ("[streams.cdr]\nstream = \"A.B\"\n", "streams.cdr.stream", .invalidValue),
            ("[streams.cdr]\nsubject = \"a.*.cdr\"\n", "streams.cdr.subject", .invalidValue),
            ("[streams.cdr]\nsubject = \"a..cdr\"\n", "streams.cdr.subject", .invalidValue),
            ("[streams.cdr]\nbackend = \"jetstream\"\nsubject = \"x.y\"\n[streams.audit]\nbackend = \"jetstream\"\nsubject = \"x.y\"\n",
             "streams.audit.subject", .duplicateID),
            ("[streams.cdrs]\nbackend = \"local\"\n", "streams.cdrs", .unknownKey),
            ("[streams.cdr]\nbakend = \"local\"\n", "streams.cdr.bakend", .unknownKey),
            ("[nats]\nurls = []\n", "nats.urls", .invalidValue),
            ("[nats]\nurls = [\"http://u:pw@host:4222\"]\n", "nats.urls[0]", .invalidValue),
            ("[nats]\nuser = \"u\"\n", "nats.user", .invalidValue),
            ("[nats]\ntoken = \"t\"\nuser = \"u\"\npassword = \"p\"\n", "nats.token", .invalidValue),
            ("[nats]\ntls_ca_file = \"/nonexistent/ca.pem\"\n", "nats.tls_ca_file", .invalidValue),
            ("[nats]\nduplicate_window_s = 0\n", "nats.duplicate_window_s", .invalidValue),
            ("[nats]\npublish_timeout_ms = 10\n", "nats.publish_timeout_ms", .invalidValue),
            ("[nats]\nmax_in_flight = 0\n", "nats.max_in_flight", .invalidValue),
            ("[nats]\nmax_in_flight = \"9\"\n", "nats.max_in_flight", .wrongType),
            ("[nats]\nurl = \"nats://x:1\"\n", "nats.url", .unknownKey),
        ]
        for (text, location, code) in cases {
            let error = failure(text)
            #expect(error?.code == code, "\(text)")
            #expect(error?.location == location, "\(text): \(error?.description ?? "no error")")
            #expect(error?.description.contains("\n") == false)
        }
    }

    // A password in a URL or a key is never echoed back in the one-line error.
    @Test func credentialsStayOutOfErrors() {
        let error = failure("[nats]\nurls = [\"http://user:hunter2@host:4222\"]\n")
        #expect(error?.description.contains("hunter2") == false)
    }
}

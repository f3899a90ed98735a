import Foundation
import Node
import Testing
@testable import sipswarm

private let base = MinimalConfiguration.toml

@Suite struct MetricsConfigurationTests {
    @Test func absentSectionMeansNoEndpoint() throws {
        let configuration = try ConfigurationLoader.load(tomlString: base, fileName: "test.toml")
        #expect(configuration.metrics == nil)
    }

    @Test func emptySectionTakesTheDefaults() throws {
        let configuration = try ConfigurationLoader.load(tomlString: base + "[metrics]\n", fileName: "test.toml")
        #expect(configuration.metrics == MetricsSettings(listen: HostAndPort(host: "127.0.0.1", port: 9464), path: "/metrics"))
    }

    @Test func listenAndPathAreRead() throws {
        let configuration = try ConfigurationLoader.load(
            tomlString: base + "[metrics]\nlisten = \"[::1]:9100\"\npath = \"/node/metrics\"\n", fileName: "test.toml"
        )
        #expect(configuration.metrics?.listen == HostAndPort(host: "::1", port: 9100))
        #expect(configuration.metrics?.path == "/node/metrics")
    }

    @Test(arguments: [
        ("listen = \"localhost:9464\"", "metrics.listen: host must be an IP address"),
        ("listen = \"127.0.0.1\"", "metrics.listen: expected \"host:port\""),
        ("listen = \"127.0.0.1:0\"", "metrics.listen: port must be 1-65535"),
        ("listen = 9464", "metrics.listen: "),
        ("path = \"metrics\"", "metrics.path: must start with \"/\""),
        ("path = \"/metrics?x=1\"", "metrics.path: must start with \"/\""),
        ("path = \"/a b\"", "metrics.path: must start with \"/\""),
        ("port = 9464", "metrics.port: unknown key"),
    ])
    func badValuesAreRefusedWithTheirKeyPath(line: String, expected: String) {
        do {
            _ = try ConfigurationLoader.load(tomlString: base + "[metrics]\n\(line)\n", fileName: "test.toml")
            Issue.record("expected an error for \(line)")
        } catch {
            #expect(error.description.hasPrefix("test.toml: \(expected)"), "\(error.description)")
        }
    }

    @Test func aSIPTCPSocketCannotAlsoBeTheEndpoint() {
        let toml = base.replacingOccurrences(of: "listen = [\"udp:127.0.0.1:5060\"]", with: "listen = [\"udp:127.0.0.1:5060\", \"tcp:127.0.0.1:9464\"]")
        do {
            _ = try ConfigurationLoader.load(tomlString: toml + "[metrics]\n", fileName: "test.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("test.toml: metrics.listen: \"127.0.0.1:9464\" is already a SIP tcp socket"), "\(error.description)")
        }
    }

    // A UDP SIP socket and the TCP endpoint may share host and port: different protocols, different sockets.
    @Test func aUDPSocketOnTheSamePortIsFine() throws {
        let configuration = try ConfigurationLoader.load(tomlString: base + "[metrics]\nlisten = \"127.0.0.1:5060\"\n", fileName: "test.toml")
        #expect(configuration.metrics?.listen.port == 5060)
    }
}

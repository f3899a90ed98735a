import Node
import Testing
@testable import sipswarm

private let base = MinimalConfiguration.toml

@Suite struct LedgerConfigurationTests {
    @Test func checkpointIntervalDefaultsToSixtySeconds() throws {
        let configuration = try ConfigurationLoader.load(tomlString: base, fileName: "test.toml")
        #expect(configuration.ledger.checkpointInterval == .seconds(60))
    }

    @Test func checkpointIntervalIsRead() throws {
        let configuration = try ConfigurationLoader.load(
            tomlString: "[ledger]\ncheckpoint_interval_s = 5\n" + base, fileName: "test.toml"
        )
        #expect(configuration.ledger == LedgerSettings(checkpointInterval: .seconds(5)))
    }

    @Test(arguments: ["checkpoint_interval_s = 0", "checkpoint_interval_s = 86401", "checkpoint_interval_s = \"60\"", "interval = 60"])
    func badLedgerSectionsAreRefusedWithTheirKeyPath(line: String) {
        do {
            _ = try ConfigurationLoader.load(tomlString: "[ledger]\n\(line)\n" + base, fileName: "test.toml")
            Issue.record("expected an error for \(line)")
        } catch {
            let key = line.split(separator: " ").first.map(String.init) ?? ""
            #expect(error.description.hasPrefix("test.toml: ledger.\(key): "))
        }
    }
}

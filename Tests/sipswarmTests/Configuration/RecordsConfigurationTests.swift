import Node
import Testing
@testable import sipswarm

private let base = MinimalConfiguration.toml

@Suite struct RecordsConfigurationTests {
    @Test func defaultsWhenSectionsAreAbsent() throws {
        let configuration = try ConfigurationLoader.load(tomlString: base, fileName: "test.toml")
        #expect(configuration.records.harvestInterval == .milliseconds(100))
        #expect(configuration.records.rotateMaxRecords == 100_000)
        #expect(configuration.records.rotateMaxBytes == 64 << 20)
        #expect(configuration.records.rotateMaxAge == .seconds(3600))
        #expect(configuration.restriction.failures == 3)
        #expect(configuration.restriction.probeSuccesses == 3)
        #expect(configuration.restriction.retryAfter == .seconds(30))
    }

    @Test func recordsSectionIsRead() throws {
        let text = """
            [records]
            harvest_interval_ms = 250
            rotate_max_records = 3
            rotate_max_bytes = 4096
            rotate_max_age_s = 60

            """ + base
        let configuration = try ConfigurationLoader.load(tomlString: text, fileName: "test.toml")
        #expect(
            configuration.records
                == RecordSettings(harvestInterval: .milliseconds(250), rotateMaxRecords: 3, rotateMaxBytes: 4096, rotateMaxAge: .seconds(60))
        )
    }

    @Test func restrictionSectionIsRead() throws {
        let text = "[restriction]\nfailures = 5\nprobe_successes = 2\nretry_after_s = 120\n" + base
        let configuration = try ConfigurationLoader.load(tomlString: text, fileName: "test.toml")
        #expect(configuration.restriction == RestrictionSettings(failures: 5, probeSuccesses: 2, retryAfter: .seconds(120)))
    }

    @Test(arguments: [
        ("records", "harvest_interval_ms = 0", ConfigurationError.Code.invalidValue),
        ("records", "harvest_interval_ms = 10001", .invalidValue),
        ("records", "rotate_max_records = 0", .invalidValue),
        ("records", "rotate_max_bytes = 0", .invalidValue),
        ("records", "rotate_max_age_s = 0", .invalidValue),
        ("records", "rotate_max_age_s = \"60\"", .wrongType),
        ("records", "rotate_every = 3", .unknownKey),
        ("restriction", "failures = 0", .invalidValue),
        ("restriction", "probe_successes = 1001", .invalidValue),
        ("restriction", "retry_after_s = 86401", .invalidValue),
        ("restriction", "failures = 1.5", .wrongType),
        ("restriction", "probes = 3", .unknownKey),
    ])
    func badValuesAreRefusedWithTheirKeyPath(section: String, line: String, code: ConfigurationError.Code) {
        do {
            _ = try ConfigurationLoader.load(tomlString: "[\(section)]\n\(line)\n" + base, fileName: "test.toml")
            Issue.record("expected an error for \(line)")
        } catch {
            let key = line.split(separator: " ").first.map(String.init) ?? ""
            #expect(error.code == code)
            #expect(error.description.hasPrefix("test.toml: \(section).\(key): "))
        }
    }
}

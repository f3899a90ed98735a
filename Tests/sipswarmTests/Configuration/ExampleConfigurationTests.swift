import Foundation
import Node
import Testing
@testable import sipswarm

// The package root, found from this file: Tests/sipswarmTests/Configuration/<file>.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite struct ExampleConfigurationTests {
    private let examplePath = packageRoot.appendingPathComponent("examples/loopback.toml").path

    @Test func loopbackExampleLoadsAsTheBuiltInDefault() throws {
        let configuration = try ConfigurationLoader.load(path: self.examplePath)
        // The built-in default has no decks (the demo runs from any folder); all else is the same.
        var unrated = configuration
        unrated.customers = unrated.customers.map { CustomerTrunk(id: $0.id, addresses: $0.addresses) }
        unrated.providers = unrated.providers.map {
            ProviderTrunk(id: $0.id, host: $0.host, port: $0.port, transport: $0.transport, priority: $0.priority)
        }
        #expect(unrated == NodeConfiguration.loopbackDefault)
        #expect(configuration.nodeID == "node1")
        #expect(configuration.listen == [
            ListenAddress(transport: .udp, host: "127.0.0.1", port: 5060),
            ListenAddress(transport: .tcp, host: "127.0.0.1", port: 5060),
        ])
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.maxSessionDuration == .seconds(7200))
        #expect(configuration.drainTimeout == .seconds(30))
        #expect(configuration.customers.map(\.id) == ["c1"])
        #expect(configuration.customers.first?.addresses.map(\.description) == ["127.0.0.1/32"])
        #expect(configuration.orderedProviders.map(\.id) == ["p1", "p2"])
        #expect(configuration.providers.map(\.port) == [5080, 5081])
        #expect(configuration.providers.map(\.priority) == [1, 2])
        #expect(configuration.sip == SIPSettings())
        #expect(configuration.records == RecordSettings())
        #expect(configuration.restriction == RestrictionSettings())
        #expect(configuration.rating == RatingSettings())
        let rates = packageRoot.appendingPathComponent("examples/rates").path
        #expect(configuration.customers.first?.rateDeck == rates + "/c1.csv")
        #expect(configuration.customers.first?.messageRateDeck == rates + "/c1-msg.csv")
        #expect(configuration.providers.map(\.rateDeck) == [rates + "/p1.csv", rates + "/p2.csv"])
        #expect(configuration.providers.map(\.messageRateDeck) == [rates + "/p1-msg.csv", rates + "/p2-msg.csv"])
    }

    @Test func parallelExampleLoadsWithItsDecks() throws {
        let configuration = try ConfigurationLoader.load(path: packageRoot.appendingPathComponent("examples/parallel.toml").path)
        let rates = packageRoot.appendingPathComponent("examples/rates").path
        #expect(configuration.providers.map(\.rateDeck) == [rates + "/p1.csv", rates + "/p2-near.csv"])
        #expect(configuration.rating == RatingSettings())
    }

    // The example promises every key with its default; the loader knows which keys exist.
    @Test func exampleSetsEveryKnownKey() throws {
        let text = try String(contentsOfFile: self.examplePath, encoding: .utf8)
        let keyPaths = try ConfigurationLoader.knownKeyPaths(tomlString: text)
        let assigned = Set(
            text.split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.hasPrefix("#") && $0.contains("=") }
                .compactMap { $0.split(separator: "=").first?.trimmingCharacters(in: .whitespaces) }
        )
        // A nested table (`[streams.cdr]`) is set by its header: its last component counts as assigned.
        let headers = text.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("[") && !$0.hasPrefix("[[") && $0.hasSuffix("]") }
            .compactMap { $0.dropFirst().dropLast().split(separator: ".").last.map(String.init) }
        let assignedOrOpened = assigned.union(headers)
        let leaves = keyPaths.filter { !ConfigurationLoader.rootKeys.contains($0) }
        #expect(leaves.count >= 20)
        for keyPath in leaves {
            let leaf = String(keyPath.split(separator: ".").last ?? "")
            #expect(assignedOrOpened.contains(leaf), "examples/loopback.toml does not set \(keyPath)")
        }
    }

    @Test func docsDescribeEveryKnownKey() throws {
        let example = try String(contentsOfFile: self.examplePath, encoding: .utf8)
        let docs = try String(
            contentsOfFile: packageRoot.appendingPathComponent("docs/configuration.md").path,
            encoding: .utf8
        )
        for keyPath in try ConfigurationLoader.knownKeyPaths(tomlString: example) {
            let leaf = String(keyPath.split(separator: ".").last ?? "")
                .replacingOccurrences(of: "[]", with: "")
            // Sections appear as `[node]` / `[[customers]]`, keys as `id`.
            let mentioned = docs.contains("`\(leaf)`") || docs.contains("[\(leaf)]")
            #expect(mentioned, "docs/configuration.md does not mention \(keyPath)")
        }
    }

    @Test func missingFileGivesOneClearLine() {
        do {
            _ = try ConfigurationLoader.load(path: "/nonexistent/sipswarm.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.description == "/nonexistent/sipswarm.toml: cannot open configuration file: No such file or directory")
        }
    }

    @Test func directoryIsRefused() {
        do {
            _ = try ConfigurationLoader.load(path: packageRoot.appendingPathComponent("examples").path)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(!error.description.contains("\n"))
        }
    }
}

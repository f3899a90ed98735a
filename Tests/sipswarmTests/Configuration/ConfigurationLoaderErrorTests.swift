import Foundation
import Node
import Testing
@testable import sipswarm

// A minimal valid configuration; each test breaks one thing in it.
private let valid = """
    [node]
    id = "n1"
    listen = ["udp:127.0.0.1:5060"]

    [[customers]]
    id = "c1"
    addresses = ["127.0.0.1"]

    [[providers]]
    id = "p1"
    address = "127.0.0.1:5080"

    [[providers]]
    id = "p2"
    address = "127.0.0.1:5081"
    """

private func loadError(_ toml: String) -> ConfigurationError? {
    do {
        _ = try ConfigurationLoader.load(tomlString: toml, fileName: "test.toml")
        return nil
    } catch {
        return error
    }
}

// One broken configuration and where the loader must say it is broken.
struct BadInput: Sendable, CustomTestStringConvertible {
    let toml: String
    let keyPath: String
    let code: ConfigurationError.Code

    init(_ toml: String, _ keyPath: String, _ code: ConfigurationError.Code) {
        self.toml = toml
        self.keyPath = keyPath
        self.code = code
    }

    var testDescription: String { "\(self.keyPath) \(self.code)" }
}

private func edit(_ old: String, _ new: String) -> String {
    valid.replacingOccurrences(of: old, with: new)
}

private func append(_ text: String) -> String {
    valid + text
}

private func prepend(_ text: String) -> String {
    text + valid
}

// The valid configuration cut before its providers.
private func withoutProviders() -> String {
    guard let range = valid.range(of: "[[providers]]") else { return valid }
    return String(valid[..<range.lowerBound])
}

@Suite struct ConfigurationLoaderErrorTests {
    @Test func minimalConfigurationGetsDefaults() throws {
        let configuration = try ConfigurationLoader.load(tomlString: valid, fileName: "test.toml")
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.sip == SIPSettings())
        #expect(configuration.providers.map(\.transport) == [.udp, .udp])
        #expect(configuration.providers.map(\.priority) == [1, 1])
        #expect(configuration.orderedProviders.map(\.id) == ["p1", "p2"])
    }

    @Test func fullDescriptionFormat() {
        let error = loadError(valid.replacingOccurrences(of: "\"127.0.0.1:5081\"", with: "\"127.0.0.1\""))
        #expect(error?.code == .invalidValue)
        #expect(error?.description == "test.toml: providers[1].address: expected \"host:port\", got \"127.0.0.1\"")
    }

    static let badInputs: [BadInput] = [
        // Unknown keys, top level (including sections later versions will add) and nested.
        BadInput(prepend("[audit]\nx = 1\n"), "audit.x", .unknownKey),
        BadInput(prepend("[streams]\nx = 1\n"), "streams.x", .unknownKey),
        BadInput(prepend("[records]\nx = 1\n"), "records.x", .unknownKey),
        BadInput(prepend("colour = \"blue\"\n"), "colour", .unknownKey),
        BadInput(edit("[node]\n", "[node]\nport = 5060\n"), "node.port", .unknownKey),
        BadInput(append("\n[sip]\nt3_ms = 1\n"), "sip.t3_ms", .unknownKey),
        BadInput(edit("id = \"c1\"", "id = \"c1\"\nname = \"x\""), "customers[0].name", .unknownKey),
        BadInput(append("\nweight = 3\n"), "providers[1].weight", .unknownKey),
        // A misspelt required key is reported as the unknown key, not as the missing one.
        BadInput(edit("id = \"n1\"", "ide = \"n1\""), "node.ide", .unknownKey),
        BadInput("[nats]\nurl = \"x\"\n" + withoutProviders(), "nats.url", .unknownKey),
        // Wrong types.
        BadInput(edit("id = \"n1\"", "id = 1"), "node.id", .wrongType),
        BadInput(edit("listen = [\"udp:127.0.0.1:5060\"]", "listen = \"udp:127.0.0.1:5060\""), "node.listen", .wrongType),
        BadInput(edit("listen = [\"udp:127.0.0.1:5060\"]", "listen = [5060]"), "node.listen[0]", .wrongType),
        BadInput(edit("[node]\n", "[node]\ndrain_timeout_s = \"30\"\n"), "node.drain_timeout_s", .wrongType),
        BadInput(append("\n[sip]\nt1_ms = 0.5\n"), "sip.t1_ms", .wrongType),
        BadInput("node = 1\n" + edit("[node]\nid = \"n1\"\nlisten = [\"udp:127.0.0.1:5060\"]\n", ""), "node", .wrongType),
        BadInput(edit("addresses = [\"127.0.0.1\"]", "addresses = [\"127.0.0.1\", true]"), "customers[0].addresses[1]", .wrongType),
        // Bad ports and addresses.
        BadInput(edit("udp:127.0.0.1:5060", "udp:127.0.0.1:70000"), "node.listen[0]", .invalidValue),
        BadInput(edit("127.0.0.1:5080", "127.0.0.1:0"), "providers[0].address", .invalidValue),
        BadInput(edit("udp:127.0.0.1:5060", "sctp:127.0.0.1:5060"), "node.listen[0]", .invalidValue),
        BadInput(edit("address = \"127.0.0.1:5081\"", "address = \"127.0.0.1:5081\"\ntransport = \"tls\""), "providers[1].transport", .invalidValue),
        // Bad CIDR.
        BadInput(edit("addresses = [\"127.0.0.1\"]", "addresses = [\"127.0.0.1\", \"10.0.0.0/33\"]"), "customers[0].addresses[1]", .invalidValue),
        BadInput(edit("addresses = [\"127.0.0.1\"]", "addresses = [\"localhost\"]"), "customers[0].addresses[0]", .invalidValue),
        BadInput(edit("addresses = [\"127.0.0.1\"]", "addresses = []"), "customers[0].addresses", .invalidValue),
        // Zero or negative timers, and inconsistent ones.
        BadInput(edit("[node]\n", "[node]\ndrain_timeout_s = 0\n"), "node.drain_timeout_s", .invalidValue),
        BadInput(edit("[node]\n", "[node]\nmax_session_duration_s = -5\n"), "node.max_session_duration_s", .invalidValue),
        BadInput(append("\n[sip]\nprovider_timeout_ms = 0\n"), "sip.provider_timeout_ms", .invalidValue),
        BadInput(append("\n[sip]\nt1_ms = 5000\nt2_ms = 4000\n"), "sip.t2_ms", .invalidValue),
        BadInput(append("\n[sip]\nmin_se_s = 60\n"), "sip.min_se_s", .invalidValue),
        BadInput(append("\n[sip]\nuser_agent = \"a\\r\\nX-Evil: 1\"\n"), "sip.user_agent", .invalidValue),
        BadInput(edit("id = \"n1\"", "id = \"node.one\""), "node.id", .invalidValue),
        // Duplicates.
        BadInput(edit("id = \"p2\"", "id = \"p1\""), "providers[1].id", .duplicateID),
        BadInput(append("\n[[customers]]\nid = \"c1\"\naddresses = [\"10.0.0.0/8\"]\n"), "customers[1].id", .duplicateID),
        BadInput(append("\n[[customers]]\nid = \"c2\"\naddresses = [\"127.0.0.1/32\"]\n"), "customers[1].addresses[0]", .duplicateID),
        BadInput(edit("listen = [\"udp:127.0.0.1:5060\"]", "listen = [\"udp:127.0.0.1:5060\", \"udp:127.0.0.1:5060\"]"), "node.listen[1]", .duplicateID),
        // Missing required keys.
        BadInput(edit("id = \"n1\"\n", ""), "node.id", .missingKey),
        BadInput(edit("listen = [\"udp:127.0.0.1:5060\"]\n", ""), "node.listen", .missingKey),
        BadInput(edit("address = \"127.0.0.1:5081\"", ""), "providers[1].address", .missingKey),
        BadInput(edit("addresses = [\"127.0.0.1\"]", ""), "customers[0].addresses", .missingKey),
        BadInput(withoutProviders(), "providers", .missingKey),
        BadInput("providers = []\n" + withoutProviders(), "providers", .invalidValue),
        BadInput("", "node", .missingKey),
    ]

    @Test(arguments: Self.badInputs)
    func refusesWithKeyPath(_ input: BadInput) {
        let (toml, keyPath, code) = (input.toml, input.keyPath, input.code)
        guard let error = loadError(toml) else {
            Issue.record("accepted a configuration that should fail at \(keyPath)")
            return
        }
        #expect(error.code == code, "\(error)")
        #expect(error.location == keyPath, "\(error)")
        #expect(error.description.hasPrefix("test.toml: \(keyPath): "), "\(error)")
        #expect(!error.description.contains("\n"))
    }

    @Test func unknownKeyListsTheAllowedOnes() {
        let error = loadError(valid.replacingOccurrences(of: "[node]\n", with: "[node]\nport = 5060\n"))
        #expect(error?.reason.contains("id, listen, data_dir") == true, "\(String(describing: error))")
    }

    @Test func syntaxErrorGivesFileAndLine() {
        let toml = valid.replacingOccurrences(of: "[[customers]]\nid = \"c1\"", with: "[[customers]]\nid = \"c1")
        let error = loadError(toml)
        #expect(error?.code == .syntax)
        // The broken string starts on line 6 of the document.
        #expect(error?.location.hasPrefix("line 6,") == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("test.toml: line 6, column ") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func duplicateTOMLKeyIsASyntaxError() {
        let error = loadError(valid.replacingOccurrences(of: "id = \"n1\"", with: "id = \"n1\"\nid = \"n2\""))
        #expect(error?.code == .syntax)
        #expect(error?.location.hasPrefix("line 3,") == true, "\(String(describing: error))")
    }

    @Test func nulByteIsRefusedWithItsLine() {
        let error = loadError(valid.replacingOccurrences(of: "[[customers]]", with: "[[customers]]\0"))
        #expect(error?.code == .syntax)
        #expect(error?.location == "line 5")
    }

    @Test func ipv6AndTCPProviders() throws {
        let toml = valid
            .replacingOccurrences(of: "address = \"127.0.0.1:5080\"", with: "address = \"[::1]:5080\"\ntransport = \"tcp\"\npriority = 3")
            .replacingOccurrences(of: "addresses = [\"127.0.0.1\"]", with: "addresses = [\"::1\", \"2001:db8::/32\"]")
        let configuration = try ConfigurationLoader.load(tomlString: toml, fileName: "test.toml")
        #expect(configuration.providers[0] == ProviderTrunk(id: "p1", host: "::1", port: 5080, transport: .tcp, priority: 3))
        #expect(configuration.orderedProviders.map(\.id) == ["p2", "p1"])
        #expect(configuration.customer(for: "2001:db8::7")?.id == "c1")
    }
}

import SIPTransaction
import Testing

@Suite struct TransactionKeyTests {
    private let branch = "z9hG4bK776asdhds"

    @Test func ackMatchesTheInviteServerTransactionButCancelDoesNot() throws {
        let invite = try TransactionKey.server(branch: branch, sentByHost: "pc33.example.com", sentByPort: 5060, method: "INVITE")
        let ack = try TransactionKey.server(branch: branch, sentByHost: "pc33.example.com", sentByPort: 5060, method: "ACK")
        let cancel = try TransactionKey.server(branch: branch, sentByHost: "pc33.example.com", sentByPort: 5060, method: "CANCEL")

        #expect(ack == invite)
        #expect(cancel != invite)
        #expect(cancel.method == "CANCEL")
    }

    @Test func serverKeysCompareSentByWithCaseInsensitiveHost() throws {
        let lower = try TransactionKey.server(branch: branch, sentByHost: "pc33.example.com", sentByPort: 5060, method: "BYE")
        let upper = try TransactionKey.server(branch: branch, sentByHost: "PC33.Example.COM", sentByPort: 5060, method: "BYE")
        let otherPort = try TransactionKey.server(branch: branch, sentByHost: "pc33.example.com", sentByPort: 5070, method: "BYE")
        let noPort = try TransactionKey.server(branch: branch, sentByHost: "pc33.example.com", sentByPort: nil, method: "BYE")

        #expect(lower == upper)
        #expect(lower != otherPort)
        #expect(lower != noPort)
        #expect(lower.sentBy == "pc33.example.com:5060")
        #expect(Set([lower, upper, otherPort]).count == 2)
    }

    @Test func branchIsCaseSensitiveAndMethodMatters() throws {
        let key = try TransactionKey.client(branch: branch, method: "INVITE")

        #expect(try TransactionKey.client(branch: "z9hG4bK776ASDHDS", method: "INVITE") != key)
        #expect(try TransactionKey.client(branch: branch, method: "CANCEL") != key)
        #expect(try TransactionKey.client(branch: branch, method: "INVITE") == key)
        #expect(key.sentBy == nil)
    }

    @Test func clientAndServerKeysNeverCollide() throws {
        let client = try TransactionKey.client(branch: branch, method: "OPTIONS")
        let server = try TransactionKey.server(branch: branch, sentByHost: "10.0.0.1", sentByPort: 5060, method: "OPTIONS")

        #expect(client != server)
    }

    @Test func branchesWithoutTheMagicCookieAreRejected() {
        #expect(TransactionKey.hasMagicCookie(branch))
        #expect(!TransactionKey.hasMagicCookie("z9hG4bK"))
        #expect(!TransactionKey.hasMagicCookie("Z9HG4BK776"))
        #expect(!TransactionKey.hasMagicCookie("776asdhds"))

        #expect(throws: TransactionError(.missingMagicCookie, reason: "")) {
            try TransactionKey.client(branch: "776asdhds", method: "INVITE")
        }
        #expect(throws: TransactionError(.missingMagicCookie, reason: "")) {
            try TransactionKey.server(branch: "", sentByHost: "a", sentByPort: nil, method: "INVITE")
        }
        #expect(throws: TransactionError(.emptyField, reason: "")) {
            try TransactionKey.server(branch: branch, sentByHost: "", sentByPort: nil, method: "INVITE")
        }
        #expect(throws: TransactionError(.emptyField, reason: "")) {
            try TransactionKey.client(branch: branch, method: "")
        }
    }
}

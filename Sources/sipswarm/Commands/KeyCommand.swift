import ArgumentParser
import Foundation
import Ledger

/// `sipswarm key show [--data-dir DIR]`: the node's Ed25519 public key.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "The node's Ed25519 signing key.",
        subcommands: [Show.self]
    )

    /// `sipswarm key show`: print the public key (base64), creating the key pair when there is none.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print the node's public key (base64), creating the key pair first when the data directory has none."
        )

        @Option(name: .customLong("data-dir"), help: "Data directory.")
        var dataDir: String = "./data"

        func run() throws {
            print(try publicKey())
        }

        /// The base64 public key, from `DATA/keys/`, created there when absent.
        func publicKey() throws(ExitCode) -> String {
            do {
                try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            } catch {
                throw CommandLineFailure.exit("cannot create the data directory \(dataDir): \(error.localizedDescription)")
            }
            do {
                return try NodeSigningKey.loadOrCreate(dataDirectory: dataDir).publicKeyBase64
            } catch {
                throw CommandLineFailure.exit("key in \(dataDir): \(error.reason)")
            }
        }
    }
}

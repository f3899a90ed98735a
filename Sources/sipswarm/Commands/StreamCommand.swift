import ArgumentParser
import Foundation
import MQAL
import Node

/// `sipswarm stream …`: look at the node's record streams.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Read the node's record streams.",
        subcommands: [StreamTailCommand.self]
    )
}

/// `sipswarm stream tail KIND [--data-dir DIR] [-n N] [--follow]`: print a local stream's records, one line each.
struct StreamTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print the last records of a local stream (DATA/streams/KIND/), one ledger line each.",
        discussion: """
            Each line is the record exactly as in the chain file, so its hash can be checked. With --ids every line \
            starts with the stream sequence and the message id (<node>.<kind>.<seq>). Exit 1 on a damaged stream.
            """
    )

    @Argument(help: "The stream: cdr, attempt, audit or bidlog.")
    var kind: String

    @Option(name: .customLong("data-dir"), help: "The node's data directory.")
    var dataDir: String = NodeConfiguration.defaultDataDirectory

    @Option(name: .short, help: "How many of the last records to print (0: from the start).")
    var n: Int = 10

    @Flag(help: "Keep printing records as they are appended, until interrupted.")
    var follow = false

    @Flag(help: "Prefix each line with the stream sequence and the message id.")
    var ids = false

    func validate() throws {
        guard StreamSettings.kinds.contains(kind), kind != "ratesync" else {
            throw ValidationError("unknown stream \"\(kind)\"; one of cdr, attempt, audit, bidlog")
        }
        guard n >= 0 else { throw ValidationError("-n must not be negative") }
    }

    func run() async throws {
        do {
            let start = n == 0 ? 0 : try LocalStreamReader.sequence(beforeLast: n, dataDirectory: dataDir, kind: kind)
            var reader = LocalStreamReader(dataDirectory: dataDir, kind: kind, after: start)
            while true {
                let entries = try await reader.next(max: 1024, wait: follow ? .seconds(1) : .zero)
                for entry in entries {
                    let body = String(decoding: entry.body, as: UTF8.self)
                    print(ids ? "\(entry.sequence) \(entry.messageID) \(body)" : body)
                }
                if entries.isEmpty {
                    guard follow, !Task.isCancelled else { break }
                }
            }
        } catch {
            throw CommandLineFailure.exit("stream \(kind): \(error.reason)")
        }
    }
}

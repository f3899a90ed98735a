import ArgumentParser
import Foundation
import Ledger
import Records

/// `sipswarm verify DIR [--json]`: check every chain, checkpoint signature and Merkle root of a data directory.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every chain, checkpoint signature and Merkle root under a data directory.",
        discussion: "Exit 0 and a summary when intact; exit 1 naming the first broken place on stderr (file:line: kind seq N: what) when not."
    )

    @Argument(help: "The data directory (as written by `sipswarm serve`).")
    var directory: String

    @Flag(help: "Print the result as one JSON object instead of text.")
    var json = false

    /// What the command prints to stdout and, when the directory is broken, the failure.
    struct Outcome {
        let output: String?
        let failure: LedgerVerificationFailure?
    }

    func outcome() -> Outcome {
        do {
            let report = try LedgerVerifier(dataDirectory: directory).verify()
            return Outcome(output: json ? report.canonicalJSON().canonicalString() : Self.summary(report), failure: nil)
        } catch {
            let output = json ? CanonicalJSON.object(["ok": .bool(false), "failure": error.canonicalJSON()]).canonicalString() : nil
            return Outcome(output: output, failure: error)
        }
    }

    func run() throws {
        let outcome = outcome()
        if let output = outcome.output {
            print(output)
        }
        if let failure = outcome.failure {
            // The broken place alone on its line, `file:line: kind seq N: what`, as the Python example prints it.
            if !json {
                FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            }
            throw ExitCode(1)
        }
    }

    /// The human summary of an intact directory: one line per chain, then the totals and the last checkpoint.
    static func summary(_ report: LedgerVerificationReport) -> String {
        var lines = report.chains.map { "chain \($0.kind): \($0.records) records" }
        var total = "verified: \(report.totalRecords) records in \(report.chains.count) chains, \(report.checkpointCount) checkpoints"
        if let last = report.lastCheckpoint {
            total += ", last checkpoint seq \(last.seq) at \(UTCTimestamp.compact(microseconds: last.timeMicros)) UTC (time_us \(last.timeMicros))"
        }
        lines.append(total)
        return lines.joined(separator: "\n")
    }
}

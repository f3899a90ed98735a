import ArgumentParser
import Foundation
import RecordStore

/// `sipswarm admin ...`: operator actions on a running node's data directory.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Operator actions on a running node.",
        subcommands: [Unrestrict.self]
    )

    /// `sipswarm admin unrestrict --data-dir DIR`: ask the node to leave CDR Restriction now.
    struct Unrestrict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unrestrict",
            abstract: "Take the node out of CDR Restriction without waiting for successful probe writes.",
            discussion: """
                Creates DIR/admin/unrestrict. The node's record writer checks for it every harvest cycle, \
                removes it and leaves restriction (audit record restriction_ended, released_by "admin"). \
                If writes still fail, the node enters restriction again after the configured number of failures.
                """
        )

        @Option(name: .customLong("data-dir"), help: "The running node's data directory.")
        var dataDir: String = "./data"

        func run() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dataDir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandLineFailure.exit("data directory \(dataDir) does not exist")
            }
            do {
                try RestrictionRelease.request(dataDirectory: dataDir)
            } catch {
                throw CommandLineFailure.exit("cannot request unrestrict in \(dataDir): \(error.reason)")
            }
            print("unrestrict requested: \(RestrictionRelease.adminDirectory(dataDirectory: dataDir))/\(RestrictionRelease.fileName)")
        }
    }
}

import ArgumentParser
import Foundation
import Ledger
import Records

/// `sipswarm proof DIR --kind K --seq N | --cdr-id ID [--output FILE]` and `sipswarm proof --verify FILE`.
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print an inclusion proof for one record against the latest signed checkpoint, or check one.",
        discussion: """
            sipswarm proof DIR --kind cdr --seq 42      proof for the record with that kind and seq
            sipswarm proof DIR --cdr-id <uuid>          proof for the CDR with that id
            sipswarm proof --verify FILE                exit 0 when the proof holds, 1 when not
            """
    )

    @Argument(help: "The data directory to build the proof from.")
    var directory: String?

    @Option(help: "The record's kind (chain), with --seq.")
    var kind: String?

    @Option(help: "The record's seq in its chain, with --kind.")
    var seq: UInt64?

    @Option(name: .customLong("cdr-id"), help: "The CDR's id.")
    var cdrID: String?

    @Option(help: "Write the proof to this file instead of stdout.")
    var output: String?

    @Option(name: .customLong("verify"), help: "Check the proof in this file instead of building one.")
    var verifyPath: String?

    @Option(name: .customLong("public-key"), help: "With --verify: base64 Ed25519 key the checkpoint must be signed with (see `sipswarm key show`).")
    var publicKey: String?

    func validate() throws {
        if verifyPath != nil {
            guard directory == nil, kind == nil, seq == nil, cdrID == nil, output == nil else {
                throw ValidationError("--verify FILE takes no data directory, --kind, --seq, --cdr-id or --output")
            }
            return
        }
        guard directory != nil else { throw ValidationError("give a data directory, or --verify FILE") }
        guard publicKey == nil else { throw ValidationError("--public-key goes with --verify") }
        switch (kind, seq, cdrID) {
        case (.some, .some, nil), (nil, nil, .some):
            return
        default:
            throw ValidationError("give either --kind and --seq, or --cdr-id")
        }
    }

    /// The target record named by the options; nil in --verify mode.
    var target: InclusionProofDocument.Target? {
        if let kind, let seq { return .seq(kind: kind, seq: seq) }
        if let cdrID { return .cdrID(cdrID) }
        return nil
    }

    func run() throws {
        if let verifyPath {
            print(try check(path: verifyPath))
            return
        }
        guard let directory, let target else {
            throw CommandLineFailure.exit("give a data directory with --kind and --seq, or --cdr-id")
        }
        let text: String
        do {
            text = try InclusionProofDocument.build(dataDirectory: directory, target: target).canonicalJSON().canonicalString()
        } catch {
            throw CommandLineFailure.exit(error.description)
        }
        if let output {
            do {
                try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output))
            } catch {
                throw CommandLineFailure.exit("cannot write \(output): \(error.localizedDescription)")
            }
        } else {
            print(text)
        }
    }

    /// Checks the proof in `path`; the line to print when it holds, else throws the exit.
    func check(path: String) throws(ExitCode) -> String {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandLineFailure.exit("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            let document = try InclusionProofDocument(json: Array(bytes))
            try document.verify(trustedPublicKeyBase64: publicKey)
            var kind = "?"
            if case .string(let value)? = document.record["kind"] { kind = value }
            var checkpointSeq = "?"
            if case .integer(let value)? = document.checkpoint["seq"] { checkpointSeq = String(value) }
            let signer = publicKey == nil ? " (signer not pinned: pass --public-key to require the node's key)" : ""
            return "proof holds: \(kind) seq \(document.leafIndex + 1) is in the \(kind) tree of size \(document.treeSize), "
                + "signed in checkpoint seq \(checkpointSeq)\(signer)"
        } catch {
            throw CommandLineFailure.exit("proof does not hold: \(error.description)")
        }
    }
}

import Foundation

extension Ports {
    static let ledgerRun = 26_200
    static let ledgerCrash = 26_300
}

/// One run of a verifier (`sipswarm verify` or `examples/verify_ledger.py`) or of `sipswarm key show`.
struct ToolRun: CustomStringConvertible {
    let name: String
    let exitCode: Int32?
    let stdout: String
    let stderr: String

    var description: String {
        "\(name): exit \(exitCode.map(String.init) ?? "still running")\nstdout:\n\(stdout.suffix(2000))\nstderr:\n\(stderr.suffix(2000))"
    }

    /// The first `file:line: kind seq N: what` line, from stderr, else stdout.
    var failure: FailurePlace? {
        for text in [stderr, stdout] {
            for line in text.split(separator: "\n") {
                if let place = FailurePlace(String(line)) {
                    return place
                }
            }
        }
        return nil
    }
}

/// Where a verifier says the ledger is broken: `file:line: kind seq N: what`.
struct FailurePlace: Equatable, CustomStringConvertible {
    /// The file's last path component (verifiers may print it relative or absolute).
    var file: String
    var line: Int
    var kind: String
    /// The seq as printed: a number, or `?` when the line had none.
    var seq: String
    var what: String

    init(file: String, line: Int, kind: String, seq: String, what: String = "") {
        self.file = file
        self.line = line
        self.kind = kind
        self.seq = seq
        self.what = what
    }

    init?(_ text: String) {
        guard let match = text.wholeMatch(of: /(\S+?):(\d+): (\S+) seq (\S+): (.*)/), let line = Int(match.2) else {
            return nil
        }
        self.init(
            file: URL(fileURLWithPath: String(match.1)).lastPathComponent,
            line: line, kind: String(match.3), seq: String(match.4), what: String(match.5)
        )
    }

    /// Same file, line, kind and seq; the wording of `what` may differ between verifiers.
    func isSamePlace(as other: FailurePlace) -> Bool {
        (file, line, kind, seq) == (other.file, other.line, other.kind, other.seq)
    }

    var description: String { "\(file):\(line): \(kind) seq \(seq): \(what)" }
}

/// The programs the ledger tests run, and the chain files they read and tamper with.
enum LedgerTools {
    static var pythonBinary: String {
        TestEnvironment.variable("PYTHON_BIN") ?? TestEnvironment.executable(named: "python3") ?? "/usr/bin/python3"
    }

    static let exampleScript = TestEnvironment.packageRoot.appendingPathComponent("examples/verify_ledger.py")

    static func sipswarmVerify(_ dataDirectory: URL, json: Bool = false, in directory: TemporaryDirectory) async throws -> ToolRun {
        try await run("verify", TestEnvironment.sipswarmBinary, ["verify", dataDirectory.path] + (json ? ["--json"] : []), in: directory)
    }

    static func pythonVerify(_ dataDirectory: URL, in directory: TemporaryDirectory) async throws -> ToolRun {
        try await run("verify-py", pythonBinary, [exampleScript.path, dataDirectory.path], in: directory)
    }

    static func keyShow(_ dataDirectory: URL, in directory: TemporaryDirectory) async throws -> ToolRun {
        try await run("key-show", TestEnvironment.sipswarmBinary, ["key", "show", "--data-dir", dataDirectory.path], in: directory)
    }

    /// Runs a Python snippet with the example script importable as `v` (canonical JSON, hashes,
    /// Ed25519): the tests forge records with the auditor's own definitions.
    static func runPython(_ code: String, _ arguments: [String], in directory: TemporaryDirectory) async throws -> ToolRun {
        let prelude = "import sys; sys.path.insert(0, \(quoted(exampleScript.deletingLastPathComponent().path))); import verify_ledger as v\n"
        return try await run("python", pythonBinary, ["-c", prelude + code] + arguments, in: directory)
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    static func run(_ name: String, _ executable: String, _ arguments: [String], in directory: TemporaryDirectory) async throws -> ToolRun {
        // Output files are per run, so a later run never overwrites an earlier one's evidence.
        let unique = "\(name)-\(UUID().uuidString.prefix(6))"
        let child = try ChildProcess(name: unique, executable: executable, arguments: arguments, directory: directory.url)
        guard let code = await child.waitForExit(timeout: .seconds(120)) else {
            await child.terminate(grace: .seconds(2))
            throw HarnessError("\(name) did not finish within 120 s:\n\(child.stderrTail())")
        }
        return ToolRun(name: "\(name) \(arguments.suffix(2).joined(separator: " "))", exitCode: code, stdout: child.stdout, stderr: child.stderr)
    }

    /// Copies a data directory so one tamper case never sees another's damage.
    static func copy(_ dataDirectory: URL, in directory: TemporaryDirectory, as name: String) throws -> URL {
        let target = directory.url.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.copyItem(at: dataDirectory, to: target)
        return target
    }
}

/// One JSON Lines chain file, as lines without their `\n`.
struct ChainFile {
    let url: URL
    var lines: [String]

    var name: String { url.lastPathComponent }

    init(url: URL) throws {
        self.url = url
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" {
            lines.removeLast()
        }
        self.lines = lines
    }

    func record(at index: Int) throws -> JSONRecord {
        try JSONRecord.parse(lines[index], source: name)
    }

    func write() throws {
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
    }

    /// The `.jsonl` files of one kind that hold records, in chain order (by the seq of their first record).
    static func all(kind: String, in dataDirectory: URL) throws -> [ChainFile] {
        let folder = dataDirectory.appendingPathComponent(kind, isDirectory: true)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".jsonl") }
            .map { try ChainFile(url: folder.appendingPathComponent($0)) }
            .filter { !$0.lines.isEmpty }
        return try files
            .map { (file: $0, firstSeq: try $0.record(at: 0).int("seq") ?? 0) }
            .sorted { $0.firstSeq < $1.firstSeq }
            .map(\.file)
    }

    /// Every record of one kind in chain order, with the file and 1-based line it is on.
    static func records(kind: String, in dataDirectory: URL) throws -> [(file: String, line: Int, record: JSONRecord)] {
        try all(kind: kind, in: dataDirectory).flatMap { file in
            try file.lines.indices.map { (file: file.name, line: $0 + 1, record: try file.record(at: $0)) }
        }
    }
}

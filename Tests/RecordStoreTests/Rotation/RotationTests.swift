import Foundation
import Ledger
@testable import RecordStore
import Records
import Synchronization
import Testing

/// Rotation through a real sink on real files: thousands of records, a tiny threshold, hundreds of files.
@Suite struct RotationTests {
    /// A sink over fresh chains in `directory` with `rotation`, as `JSONLinesRecordSink` wires it.
    static func sink(
        directory: String, rotation: RotationPolicy,
        restriction: RestrictionOptions = RestrictionOptions(harvestInterval: .milliseconds(1)),
        onError: @escaping @Sendable (RecordSinkError) -> Void = { error in Issue.record("sink error: \(error)") }
    ) throws -> JSONLinesRecordSink {
        var outputs: [ChainOutput] = []
        for kind in LedgerChains.allKinds {
            let folder = directory + "/" + kind
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let file = try POSIXRecordFile.createNew(in: folder, baseName: "\(kind)-n1-start")
            outputs.append(ChainOutput(file: file, chain: HashChain(nodeID: "n1", kind: kind)))
        }
        let chains = LedgerChains(
            cdr: outputs[0], attempt: outputs[1], bidlog: outputs[2], audit: outputs[3], checkpoint: outputs[4], rotation: rotation
        )
        let key = try NodeSigningKey.loadOrCreate(dataDirectory: directory)
        return JSONLinesRecordSink(
            chains: chains,
            startupAudits: [["event": .string("node_started"), "time_us": .integer(1), "version": .string("test")]],
            signing: LedgerSigning(key: key, clock: SystemMicrosecondClock(), checkpointInterval: .seconds(60)),
            capacity: 100_000,
            restriction: restriction,
            onError: onError
        )
    }

    /// `examples/verify_ledger.py DIR`: exit status and output; nil when python3 is not installed.
    static func pythonVerify(_ directory: String) throws -> (status: Int32, output: String)? {
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/verify_ledger.py").path
        guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, directory]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    static func names(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    static func object(_ bytes: some Collection<UInt8>) throws -> [String: CanonicalJSON] {
        guard case .object(let object) = try CanonicalJSONParser().parse(bytes) else { throw CocoaError(.coderReadCorrupt) }
        return object
    }

    @Test func thousandsOfRotationsLoseAndDuplicateNothing() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try Self.sink(directory: directory, rotation: RotationPolicy(maxRecords: 3))
        // Single sessions flushed one by one give a rotation per few records; bursts give bigger files.
        var sessions = 0
        for index in 0..<400 {
            sink.emit(RecordFixtures.session(index: index, attempts: 1 + index % 3))
            sessions += 1
            sink.flush()
        }
        for index in 400..<3_000 {
            sink.emit(RecordFixtures.session(index: index, attempts: 2))
            sessions += 1
        }
        sink.close()

        let cdrFolder = directory + "/cdr"
        let names = try Self.names(in: cdrFolder)
        let files = names.filter { $0.hasSuffix(".jsonl") }
        #expect(files.count >= 130, "expected well over a hundred cdr files, got \(files.count)")
        #expect(!names.contains { $0.hasSuffix(".open") }, "the unused next file is removed at close")
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "no manifest temporary is left behind")

        // Every record exactly once, in chain order across files; every manifest matches its file.
        var seqs: [Int64] = []
        var previousHash = LedgerHash.zero.hex
        var recordIDs = Set<String>()
        var ordered: [(first: Int64, name: String, lines: [[UInt8]])] = []
        for name in files {
            let data = try #require(FileManager.default.contents(atPath: cdrFolder + "/" + name))
            let lines = [UInt8](data).split(separator: UInt8(ascii: "\n")).map(Array.init)
            let first = try Self.object(try #require(lines.first))
            guard case .integer(let seq)? = first["seq"] else { Issue.record("no seq in \(name)"); continue }
            ordered.append((seq, name, lines))
            #expect(names.contains(name + ".manifest.json"), "\(name) has no manifest")
        }
        for file in ordered.sorted(by: { $0.first < $1.first }) {
            var firstPrev: String?
            var lastHash = ""
            for line in file.lines {
                let record = try Self.object(line)
                guard case .integer(let seq)? = record["seq"], case .string(let prev)? = record["prev_hash"],
                      case .string(let hash)? = record["hash"], case .string(let id)? = record["id"]
                else { Issue.record("bad record in \(file.name)"); continue }
                #expect(prev == previousHash, "chain broken at seq \(seq)")
                firstPrev = firstPrev ?? prev
                previousHash = hash
                lastHash = hash
                seqs.append(seq)
                #expect(recordIDs.insert(id).inserted, "\(id) written twice")
            }
            let manifestData = try #require(FileManager.default.contents(atPath: cdrFolder + "/" + file.name + ".manifest.json"))
            let manifest = try Self.object([UInt8](manifestData).dropLast())
            #expect(manifest["file"] == .string(file.name))
            #expect(manifest["kind"] == .string("cdr"))
            #expect(manifest["node"] == .string("n1"))
            #expect(manifest["count"] == .integer(Int64(file.lines.count)))
            #expect(manifest["first_seq"] == .integer(file.first))
            #expect(manifest["last_seq"] == .integer(file.first + Int64(file.lines.count) - 1))
            #expect(manifest["first_prev_hash"] == firstPrev.map { .string($0) })
            #expect(manifest["last_hash"] == .string(lastHash))
            let bytes = try #require(FileManager.default.contents(atPath: cdrFolder + "/" + file.name))
            #expect(manifest["sha256"] == .string(LedgerHash.sha256([UInt8](bytes)).hex))
        }
        #expect(seqs == Array(1...Int64(sessions)))
        #expect(recordIDs.count == sessions)

        // The node's verifier agrees, manifests included.
        let report = try LedgerVerifier(dataDirectory: directory).verify()
        #expect(report.chains.first { $0.kind == "cdr" }?.records == UInt64(sessions))
        #expect((report.chains.first { $0.kind == "cdr" }?.files ?? 0) == files.count)
        // And so does the auditor's script.
        if let python = try Self.pythonVerify(directory) {
            #expect(python.status == 0, "verify_ledger.py: \(python.output)")
        }
    }

    @Test func tamperedManifestFailsVerificationAtTheManifest() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try Self.sink(directory: directory, rotation: RotationPolicy(maxRecords: 2))
        for index in 0..<20 {
            sink.emit(RecordFixtures.session(index: index, attempts: 1))
            sink.flush()
        }
        sink.close()
        _ = try LedgerVerifier(dataDirectory: directory).verify()

        let folder = directory + "/attempt"
        let manifestName = try #require(try Self.names(in: folder).first { $0.hasSuffix(".manifest.json") })
        let path = folder + "/" + manifestName
        let original = try #require(FileManager.default.contents(atPath: path))
        var object = try Self.object([UInt8](original).dropLast())
        guard case .integer(let count)? = object["count"] else { Issue.record("no count"); return }
        object["count"] = .integer(count + 1)
        try Data(CanonicalJSON.object(object).canonicalBytes() + [10]).write(to: URL(fileURLWithPath: path))

        do {
            _ = try LedgerVerifier(dataDirectory: directory).verify()
            Issue.record("a tampered manifest verified")
        } catch {
            #expect(error.code == .manifestMismatch)
            #expect(error.path == "attempt/" + manifestName)
            #expect(error.reason.contains("count"))
        }
        if let python = try Self.pythonVerify(directory) {
            #expect(python.status == 1)
            #expect(python.output.hasPrefix("attempt/\(manifestName): attempt seq ?: manifest: count is"), "\(python.output)")
        }
        // Verification reports; it never rewrites.
        let after = try #require(FileManager.default.contents(atPath: path))
        #expect(after != original)
        #expect(after == Data(CanonicalJSON.object(object).canonicalBytes() + [10]))

        // A manifest whose file is gone is reported too.
        try Data(original).write(to: URL(fileURLWithPath: path))
        _ = try LedgerVerifier(dataDirectory: directory).verify()
        try Data("{}\n".utf8).write(to: URL(fileURLWithPath: folder + "/gone.jsonl.manifest.json"))
        #expect(throws: LedgerVerificationFailure.self) { try LedgerVerifier(dataDirectory: directory).verify() }
    }

    @Test func everyRotationIsReportedWithTheFileItClosed() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try Self.sink(directory: directory, rotation: RotationPolicy(maxRecords: 2))
        let events = Mutex<[RotationEvent]>([])
        sink.observeRotations { event in events.withLock { $0.append(event) } }
        for index in 0..<10 {
            sink.emit(RecordFixtures.session(index: index, attempts: 0))
            sink.flush()
        }
        sink.close()
        let cdr = events.withLock { $0 }.filter { $0.kind == "cdr" }
        #expect(cdr.count == 5, "10 CDRs in files of 2: five rotations, got \(cdr.count)")
        #expect(cdr.allSatisfy { $0.records == 2 })
        #expect(Set(cdr.map(\.closedFile)).count == 5)
        for event in cdr {
            // Closed off the writer thread, and with its manifest once the sink is closed.
            #expect(FileManager.default.fileExists(atPath: event.closedFile + FileManifest.suffix), "\(event.closedFile)")
            #expect(event.swap < .seconds(1))
        }
        // Each file's successor is the next event's closed file: no file is skipped.
        for (earlier, later) in zip(cdr, cdr.dropFirst()) {
            #expect(earlier.currentFile == later.closedFile)
        }
    }

    @Test func emptyNextFilesFromACrashAreRemovedAtStart() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let folder = directory + "/cdr"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder + "/.cdr-next-20260101T000000Z.jsonl.open", contents: Data())
        let sink = try Self.sink(directory: directory, rotation: RotationPolicy(maxRecords: 5))
        let names = try Self.names(in: folder)
        #expect(!names.contains(".cdr-next-20260101T000000Z.jsonl.open"))
        #expect(names.filter { $0.hasSuffix(".jsonl.open") }.count == 1, "one fresh next file is pre-created")
        sink.close()
    }
}

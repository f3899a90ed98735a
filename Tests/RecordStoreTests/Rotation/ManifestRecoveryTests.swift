import Foundation
import Ledger
@testable import RecordStore
import Records
import Testing

/// Manifests of files an earlier run closed without one (a crash between a rotation and its manifest, or with the
/// file still current), and manifests that must not be touched.
@Suite struct ManifestRecoveryTests {
    static func manifests(in folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(FileManifest.suffix) {
            result[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        return result
    }

    static func rotatingSink(_ directory: String, records: Int = 4) throws -> JSONLinesRecordSink {
        try JSONLinesRecordSink(
            dataDirectory: directory, nodeID: "n1", rotation: RotationPolicy(maxRecords: records),
            onError: { error in Issue.record("sink error: \(error)") }
        )
    }

    static func auditEvents(_ directory: String) throws -> [[String: CanonicalJSON]] {
        var events: [[String: CanonicalJSON]] = []
        let folder = directory + "/audit"
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".jsonl") {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard case .object(let object) = try CanonicalJSONParser().parse(Array(line.utf8)) else { continue }
                events.append(object)
            }
        }
        return events
    }

    @Test func missingManifestsAreWrittenAtStartExactlyAsTheNodeWouldHave() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Self.rotatingSink(directory)
        for index in 0..<30 {
            first.emit(RecordFixtures.session(index: index, attempts: 1))
            first.flush()
        }
        first.close()
        let folder = directory + "/cdr"
        let written = try Self.manifests(in: folder)
        #expect(written.count >= 7, "30 CDRs in files of 4 give at least 7 closed files, got \(written.count)")
        // What a crash leaves: a rotated file whose manifest was not written yet, and the current file.
        let removed = Array(written.keys.sorted().suffix(2))
        for name in removed {
            try FileManager.default.removeItem(atPath: folder + "/" + name)
        }

        let second = try Self.rotatingSink(directory)
        // Recovered at start, byte for byte what the node had written.
        let recovered = try Self.manifests(in: folder)
        for name in removed {
            #expect(recovered[name] == written[name], "\(name) differs from the manifest written at rotation")
        }
        second.close()
        let events = try Self.auditEvents(directory).filter { $0["event"] == .string("manifest_recovered") }
        let files = Set(events.compactMap { event -> String? in
            guard case .string(let file)? = event["file"] else { return nil }
            return file
        })
        #expect(files == Set(removed.map { "cdr/" + $0.dropLast(FileManifest.suffix.count) }))
        _ = try LedgerVerifier(dataDirectory: directory).verify()
    }

    /// Wrong fields, a torn write, an empty file, bytes that are not JSON.
    @Test(arguments: ["{\"count\":1}\n", "{\"cou", "", "\u{0}\u{1}\u{FF}not json\n"])
    func aDamagedManifestIsLeftAsItIsForVerifyToReport(content: String) throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Self.rotatingSink(directory)
        for index in 0..<12 {
            first.emit(RecordFixtures.session(index: index, attempts: 0))
            first.flush()
        }
        first.close()
        let folder = directory + "/cdr"
        let name = try #require(try Self.manifests(in: folder).keys.sorted().first)
        let damaged = Data(content.utf8)
        try damaged.write(to: URL(fileURLWithPath: folder + "/" + name))

        let second = try Self.rotatingSink(directory)
        second.close()
        #expect(FileManager.default.contents(atPath: folder + "/" + name) == damaged, "a manifest is never rewritten")
        #expect(try Self.auditEvents(directory).allSatisfy { $0["event"] != .string("manifest_recovered") })
        do {
            _ = try LedgerVerifier(dataDirectory: directory).verify()
            Issue.record("a damaged manifest verified")
        } catch {
            #expect(error.path == "cdr/" + name)
        }
    }

    @Test func aQuietChainIsClosedByAgeWithoutWaitingForTheNextRecord() throws {
        let directory = RecordFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = try JSONLinesRecordSink(
            dataDirectory: directory, nodeID: "n1",
            restriction: RestrictionOptions(harvestInterval: .milliseconds(20)),
            rotation: RotationPolicy(maxRecords: 1_000, maxAge: .milliseconds(200)),
            onError: { error in Issue.record("sink error: \(error)") }
        )
        defer { sink.close() }
        sink.emit(RecordFixtures.session(index: 1, attempts: 0))
        sink.flush()
        // No further record: the file must still be closed (with its manifest) once it is 200 ms old.
        let deadline = Date(timeIntervalSinceNow: 5)
        var closed: [String: Data] = [:]
        while closed.isEmpty && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            closed = try Self.manifests(in: directory + "/cdr")
        }
        #expect(closed.count == 1, "the CDR file was not closed by age")
    }
}

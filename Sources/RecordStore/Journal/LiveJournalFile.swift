import Foundation
import Ledger
import Records

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Darwin)
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#elseif canImport(Musl)
private let systemWrite = Musl.write
private let systemClose = Musl.close
#else
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#endif

/// `DATA/journal/live.json`: the answered sessions live at the last harvest cycle, outside the hash chains.
/// Replaced atomically (temp file, write, fsync, rename, fsync of the folder), so a crash leaves either the
/// previous snapshot or the new one, never a torn file.
enum LiveJournalFile {
    static func folder(dataDirectory: String) -> String {
        dataDirectory + "/journal"
    }

    static func path(dataDirectory: String) -> String {
        folder(dataDirectory: dataDirectory) + "/live.json"
    }

    /// The journal left by the previous run; nil when there is none. An unreadable journal is an error:
    /// the node must not start and silently drop the calls it lists.
    static func read(dataDirectory: String) throws(RecordSinkError) -> LiveSessionJournal? {
        let path = path(dataDirectory: dataDirectory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RecordSinkError(.recoveryFailed, reason: "cannot read \(path): \(error.localizedDescription)")
        }
        guard let value = try? CanonicalJSONParser().parse(Array(data)),
              let journal = LiveSessionJournal(canonicalJSON: value)
        else {
            throw RecordSinkError(.recoveryFailed, reason: "\(path) is not a live-session journal")
        }
        return journal
    }

    /// Replaces the journal with `journal`.
    static func write(_ journal: LiveSessionJournal, dataDirectory: String) throws(RecordSinkError) {
        let folder = folder(dataDirectory: dataDirectory)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RecordSinkError(.writeFailed, reason: "cannot create \(folder): \(error.localizedDescription)")
        }
        var bytes: [UInt8] = []
        journal.canonicalJSON().write(into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        let temporary = folder + "/.live.json.tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RecordSinkError(.writeFailed, reason: "cannot open \(temporary): \(POSIXRecordFile.describe(errno))")
        }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                _ = systemClose(descriptor)
                throw RecordSinkError(.writeFailed, reason: "cannot write \(temporary): \(POSIXRecordFile.describe(code))")
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            let code = errno
            _ = systemClose(descriptor)
            throw RecordSinkError(.syncFailed, reason: "fsync of \(temporary) failed: \(POSIXRecordFile.describe(code))")
        }
        _ = systemClose(descriptor)
        guard rename(temporary, path(dataDirectory: dataDirectory)) == 0 else {
            throw RecordSinkError(.writeFailed, reason: "cannot rename \(temporary): \(POSIXRecordFile.describe(errno))")
        }
        try syncFolder(folder)
    }

    private static func syncFolder(_ folder: String) throws(RecordSinkError) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw RecordSinkError(.syncFailed, reason: "cannot open \(folder): \(POSIXRecordFile.describe(errno))")
        }
        defer { _ = systemClose(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw RecordSinkError(.syncFailed, reason: "cannot sync \(folder): \(POSIXRecordFile.describe(errno))")
        }
    }
}

/// Builds the records of sessions the journal lists and the CDR chain does not: the call was up when the node died.
enum JournalRecovery {
    /// The recovered sessions' records: final code 200, released by the node, cause `node_failure`,
    /// ended at the journal's time, with one answered attempt.
    static func records(
        for journal: LiveSessionJournal,
        excluding recordedSessionIDs: Set<String>,
        nodeID: String,
        makeRecordID: () -> String = RecordID.random
    ) -> [SessionRecords] {
        var seen = recordedSessionIDs
        var result: [SessionRecords] = []
        for entry in journal.sessions where !seen.contains(entry.sessionID) {
            seen.insert(entry.sessionID)
            let end = max(journal.timeMicros, entry.answerMicros)
            let cdrID = makeRecordID()
            let cdr = CallDetailRecord(
                recordID: cdrID,
                nodeID: nodeID,
                service: .voice,
                sessionID: entry.sessionID,
                setupMicros: entry.setupMicros,
                firstProvisionalMicros: nil,
                firstRingingMicros: nil,
                answerMicros: entry.answerMicros,
                ackMicros: nil,
                endMicros: end,
                finalCode: 200,
                finalReason: nil,
                q850Cause: nil,
                q850Text: nil,
                releasedBy: .node,
                releaseCause: .nodeFailure,
                customerID: entry.customerID,
                providerID: entry.providerID,
                attempts: 1,
                aLeg: CallLeg(callID: entry.aCallID),
                bLeg: entry.bCallID.map { CallLeg(callID: $0) },
                recovered: true
            )
            var attempts: [AttemptRecord] = []
            if let providerID = entry.providerID {
                attempts.append(
                    AttemptRecord(
                        recordID: makeRecordID(),
                        nodeID: nodeID,
                        sessionID: entry.sessionID,
                        cdrRecordID: cdrID,
                        attemptNumber: 1,
                        providerID: providerID,
                        bLegCallID: entry.bCallID,
                        destination: entry.destination ?? providerID,
                        startMicros: entry.setupMicros,
                        endMicros: end,
                        responseCode: 200,
                        reason: nil,
                        outcome: .answered
                    )
                )
            }
            result.append(SessionRecords(cdr: cdr, attempts: attempts))
        }
        return result
    }
}

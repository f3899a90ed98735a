import Foundation
import Ledger
public import Records

/// The durable witness state of every peer, under `DATA/witness/`: one `<peer>.json` per peer (replaced
/// atomically) and, beside it, `<peer>.evidence/` with one file per refused checkpoint (kept, never rewritten).
///
/// Not thread-safe: one owner (the `PeerWitness` actor) uses it.
public struct WitnessStore: Sendable {
    /// Evidence files kept per peer; past this the alert is still raised and recorded, but no new file is written,
    /// so a peer cannot fill the disk by sending bad checkpoints.
    static let maximumEvidenceFiles = 10_000

    /// `DATA/witness`.
    public let folder: String

    /// The store of the data directory `dataDirectory`.
    public init(dataDirectory: String) {
        self.folder = dataDirectory + "/witness"
    }

    /// Path of a peer's witness file.
    public func path(of peerID: String) -> String { folder + "/" + peerID + ".json" }

    /// Folder of a peer's evidence files.
    public func evidenceFolder(of peerID: String) -> String { folder + "/" + peerID + ".evidence" }

    /// What is stored about `peerID`; a peer never heard of yet has a fresh record.
    public func load(peerID: String) throws(AuditStoreError) -> WitnessFile {
        guard let bytes = try DurableFile.read(path(of: peerID), limit: WitnessFile.maximumBytes) else {
            return WitnessFile(peerID: peerID)
        }
        return try WitnessFile(bytes: bytes, peerID: peerID)
    }

    /// Replaces the stored record of its peer atomically.
    public func save(_ file: WitnessFile) throws(AuditStoreError) {
        try DurableFile.makeFolder(folder)
        try DurableFile.write(file.encoded(), to: path(of: file.state.peerID))
    }

    /// Writes one evidence document (canonical JSON) for `peerID`; returns its path relative to the data directory's
    /// `witness/` folder, or nil when the peer's evidence folder is full.
    public func keepEvidence(_ document: [String: CanonicalJSON], peerID: String, code: String, timeMicros: Int64) throws(AuditStoreError) -> String? {
        let evidence = evidenceFolder(of: peerID)
        try DurableFile.makeFolder(evidence)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: evidence)) ?? []
        guard existing.count < Self.maximumEvidenceFiles else { return nil }
        var name = "\(timeMicros)-\(code).json"
        var attempt = 1
        while existing.contains(name) {
            attempt += 1
            name = "\(timeMicros)-\(code)-\(attempt).json"
        }
        try DurableFile.write(CanonicalJSON.object(document).canonicalBytes() + [UInt8(ascii: "\n")], to: evidence + "/" + name)
        return peerID + ".evidence/" + name
    }
}

import Foundation

/// A closed record file whose manifest was read and checked against the file's bytes.
struct CheckedFile: Sendable, Hashable {
    var file: ExportFile
    /// `first_seq` of the manifest: the order of the chain's files.
    var firstSeq: Int64
}

/// Reads `<file>.manifest.json` and checks it against the file before anything is exported: a manifest that does not
/// parse, or whose `bytes`/`sha256` disagree with the file, is evidence of damage (docs/ledger-format.md). Such a file
/// is not exported; `sipswarm verify` reports it and an operator decides.
enum ManifestCheck {
    static let manifestSuffix = ".manifest.json"
    // A manifest is one short canonical JSON line; anything far bigger is not one.
    static let maxManifestBytes = 64 << 10

    enum Outcome: Sendable {
        /// The manifest matches the file.
        case ready(CheckedFile)
        /// No manifest yet: the file is open, or its closer has not written the manifest yet.
        case notClosed
        /// The manifest is unreadable or disagrees with the file.
        case damaged(ExportError)
    }

    /// Checks the record file `path` of chain `kind`.
    static func check(path: String, kind: String) -> Outcome {
        let manifestPath = path + manifestSuffix
        guard DurableFiles.exists(manifestPath) else { return .notClosed }
        let name = DurableFiles.fileName(of: path)
        let manifest: Manifest
        switch Manifest.read(manifestPath) {
        case .success(let value): manifest = value
        case .failure(let error): return .damaged(error)
        }
        guard manifest.kind == kind, manifest.file == name else {
            return .damaged(damage("manifest of \(path) names \(manifest.kind)/\(manifest.file)"))
        }
        let digests: FileDigests
        do {
            let chunks = try FileChunks(path: path)
            digests = try chunks.digests()
        } catch {
            return .damaged(error)
        }
        guard digests.size == manifest.bytes else {
            return .damaged(damage("\(path) has \(digests.size) bytes, its manifest says \(manifest.bytes)"))
        }
        guard digests.sha256Hex == manifest.sha256 else {
            return .damaged(damage("SHA-256 of \(path) differs from its manifest"))
        }
        let closedAt: Int64
        do {
            closedAt = try DurableFiles.modificationSeconds(of: path)
        } catch {
            return .damaged(error)
        }
        let file = ExportFile(
            kind: kind, path: path, manifestPath: manifestPath, relativeName: "\(kind)/\(name)",
            size: manifest.bytes, sha256Hex: manifest.sha256, closedAtSeconds: closedAt
        )
        return .ready(CheckedFile(file: file, firstSeq: manifest.firstSeq))
    }

    static func damage(_ reason: String) -> ExportError {
        ExportError(.localFile, reason: "damaged manifest: \(reason)", retryable: false)
    }

    /// The manifest fields the exporters rely on.
    struct Manifest {
        var kind: String
        var file: String
        var bytes: Int64
        var sha256: String
        var firstSeq: Int64

        static func read(_ path: String) -> Result<Manifest, ExportError> {
            guard let data = FileManager.default.contents(atPath: path) else {
                return .failure(damage("cannot read \(path)"))
            }
            guard data.count <= maxManifestBytes,
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else {
                return .failure(damage("\(path) is not a JSON object"))
            }
            guard let kind = object["kind"] as? String, let file = object["file"] as? String,
                let bytes = (object["bytes"] as? NSNumber)?.int64Value, bytes >= 0,
                let sha256 = object["sha256"] as? String, sha256.utf8.count == 64,
                sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else {
                return .failure(damage("\(path) lacks kind, file, bytes or a hex sha256"))
            }
            let firstSeq = (object["first_seq"] as? NSNumber)?.int64Value ?? 0
            return .success(Manifest(kind: kind, file: file, bytes: bytes, sha256: sha256, firstSeq: firstSeq))
        }
    }
}

import Foundation
import Records

/// Gives every record file of an earlier run its manifest when the run ended before writing it (a crash between
/// a rotation and its manifest, or a crash with the file still current). An existing manifest is never touched:
/// a damaged one is evidence for `sipswarm verify` to report, not something to repair.
enum ManifestRecovery {
    /// Writes the missing manifests of `chains`' files; returns the files that got one, relative to the data
    /// directory, for the start's `manifest_recovered` audit records.
    static func writeMissing(
        for chains: [RecoveredChain],
        dataDirectory: String,
        nodeID: String
    ) throws(RecordSinkError) -> [String] {
        var written: [String] = []
        for chain in chains {
            for file in chain.files {
                let directory = LedgerFileHandle.directory(of: file.path)
                let name = LedgerFileHandle.fileName(of: file.path)
                guard !FileManager.default.fileExists(atPath: file.path + FileManifest.suffix),
                      let bytes = FileManifest.bytes(fileName: name, kind: chain.kind, nodeID: nodeID, contents: file.contents)
                else { continue }
                try LedgerFileHandle.writeAtomically(bytes, directory: directory, name: name + FileManifest.suffix)
                written.append(chain.kind + "/" + name)
            }
        }
        return written
    }
}

import Crypto
import Export
import Foundation

/// A closed record file and its manifest on local disk, as the record store leaves them.
struct SFTPExportFixture {
    let file: ExportFile
    let bytes: Data

    /// `size` bytes of JSON-looking lines in `<directory>/cdr/<name>`, with a manifest beside it.
    init(directory: String, name: String = "cdr-n1-000001.jsonl", size: Int) throws {
        let local = directory + "/local/cdr"
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        var text = ""
        var seq = 0
        while text.utf8.count < size {
            seq += 1
            text += "{\"seq\":\(seq),\"kind\":\"cdr\",\"pad\":\"\(String(repeating: "x", count: seq % 97))\"}\n"
        }
        bytes = Data(text.utf8.prefix(size))
        let path = local + "/" + name
        try bytes.write(to: URL(fileURLWithPath: path))
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let manifestPath = local + "/" + name.replacingOccurrences(of: ".jsonl", with: ".manifest.json")
        try Data("{\"count\":\(seq),\"sha256\":\"\(sha)\"}\n".utf8).write(to: URL(fileURLWithPath: manifestPath))
        file = ExportFile(
            kind: "cdr", path: path, manifestPath: manifestPath, relativeName: "cdr/" + name,
            size: Int64(bytes.count), sha256Hex: sha
        )
    }

    var manifestName: String { URL(fileURLWithPath: file.manifestPath).lastPathComponent }
}

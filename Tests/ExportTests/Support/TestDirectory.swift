import Crypto
import Foundation

/// A fresh folder under the system temp dir, removed by `remove()`.
struct TestDirectory {
    let path: String

    init(_ label: String = "export") throws {
        path = NSTemporaryDirectory() + "sipswarm-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Closed record files with manifests, as the record sink leaves them (docs/ledger-format.md), without a sink.
enum ClosedFileFixture {
    /// Writes `DATA/<kind>/<name>` with `bytes` and its manifest; returns the file's path.
    @discardableResult
    static func write(data: String, kind: String, name: String, bytes: [UInt8], firstSeq: Int = 1, manifestSize: Int? = nil) throws -> String {
        let directory = "\(data)/\(kind)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let manifest = """
            {"bytes":\(manifestSize ?? bytes.count),"count":1,"file":"\(name)","first_prev_hash":"\(String(repeating: "0", count: 64))","first_seq":\(firstSeq),"format":"sipswarm-file-manifest-1","kind":"\(kind)","last_hash":"\(String(repeating: "1", count: 64))","last_seq":\(firstSeq),"node":"n1","sha256":"\(sha)"}

            """
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: path + ".manifest.json"))
        return path
    }

    /// `count` bytes of record-like lines, different per `seed`.
    static func lines(count: Int, seed: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var line = 0
        while out.count < count {
            out += Array("{\"seq\":\(line),\"seed\":\(seed),\"pad\":\"\(String(repeating: "x", count: 40))\"}\n".utf8)
            line += 1
        }
        return Array(out.prefix(count))
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

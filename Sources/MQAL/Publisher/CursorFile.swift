import Foundation

/// The persisted cursor of one (backend, destination, kind): `DATA/streams/cursors/<backend>-<destination>.json`.
///
/// Content: `{"backend":…,"destination":…,"kind":…,"seq":N}` and `\n`. Replaced atomically (temporary file,
/// fsync, rename, fsync of the folder), so after a crash it holds the old or the new cursor, never a torn one.
public struct CursorFile: Sendable {
    /// The file's path.
    public let path: String
    let backend: String
    let destination: String
    let kind: String

    /// The cursor file of `backend`/`destination` for `kind` under `dataDirectory`.
    public init(dataDirectory: String, backend: String, destination: String, kind: String) {
        self.path = Self.directory(dataDirectory: dataDirectory) + "/\(backend)-\(destination).json"
        self.backend = backend
        self.destination = destination
        self.kind = kind
    }

    /// `DATA/streams/cursors`.
    public static func directory(dataDirectory: String) -> String {
        dataDirectory + "/streams/cursors"
    }

    /// The persisted cursor; 0 when no file exists yet (nothing was ever acknowledged).
    public func load() throws(StreamError) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw StreamError(.cursorUnreadable, reason: "cannot read \(path)")
            }
            return 0
        }
        guard
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let number = object["seq"] as? NSNumber,
            number.int64Value >= 0,
            object["kind"] as? String == kind
        else {
            throw StreamError(.cursorUnreadable, reason: "\(path) is not a cursor of kind \(kind)")
        }
        return number.uint64Value
    }

    /// Persists `seq` atomically.
    public func store(_ seq: UInt64) throws(StreamError) {
        try POSIXDirectory.create((path as NSString).deletingLastPathComponent)
        // Keys in sorted order, like every other file the node writes.
        let text = "{\"backend\":\(Self.quoted(backend)),\"destination\":\(Self.quoted(destination)),"
            + "\"kind\":\(Self.quoted(kind)),\"seq\":\(seq)}\n"
        try POSIXDirectory.replaceAtomically(path, with: Array(text.utf8))
    }

    // Names here are config-validated identifiers; escaping quotes and backslashes keeps the file JSON anyway.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

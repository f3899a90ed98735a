import Foundation
import Ledger
import Records

/// `DATA/admin/audit-alerts/`: alerts found by a command (`sipswarm audit reconcile`) for the running node to record.
///
/// A command must not write the node's chains (one writer per chain), so it drops one canonical JSON file per alert
/// here, atomically; `AuditService` picks the files up every publish interval, raises each alert (audit record,
/// critical log line, metric, evidence file) and removes the file. A node that is not running records them at its
/// next start.
public struct AlertRequestFolder: Sendable {
    /// More pending requests than this are not read in one pass (the rest wait for the next).
    static let maximumPerPass = 100
    /// A request is a few kilobytes; anything much larger is not one.
    static let maximumBytes = 256 * 1024

    /// `DATA/admin/audit-alerts`.
    public let path: String

    /// The folder of `dataDirectory`.
    public init(dataDirectory: String) {
        self.path = dataDirectory + "/admin/audit-alerts"
    }

    /// Drops a request for `alert`; returns the file's path. `document` is kept as the alert's evidence.
    @discardableResult
    public func request(_ alert: AuditAlert, timeMicros: Int64) throws(AuditStoreError) -> String {
        try DurableFile.makeFolder(path)
        let document: [String: CanonicalJSON] = [
            "alert": .string(alert.code),
            "peer": .string(alert.peer),
            "reason": .string(alert.reason),
            "details": .object(alert.details),
            "time_us": .integer(timeMicros),
        ]
        let file = path + "/\(timeMicros)-\(UUID().uuidString.lowercased()).json"
        try DurableFile.write(CanonicalJSON.object(document).canonicalBytes() + [UInt8(ascii: "\n")], to: file)
        return file
    }

    /// The pending requests, oldest first, each with its file; unreadable files are returned as problems.
    func pending() -> [(file: String, request: Result<(AuditAlert, [String: CanonicalJSON]), AuditStoreError>)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted()
            .prefix(Self.maximumPerPass)
        return names.map { name in
            let file = path + "/" + name
            return (file, Result { () throws(AuditStoreError) -> (AuditAlert, [String: CanonicalJSON]) in try Self.read(file) })
        }
    }

    private static func read(_ file: String) throws(AuditStoreError) -> (AuditAlert, [String: CanonicalJSON]) {
        guard let bytes = try DurableFile.read(file, limit: maximumBytes),
              let value = try? CanonicalJSONParser(maxBytes: maximumBytes, maxDepth: 8).parse(bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes),
              case .object(let fields) = value,
              case .string(let code)? = fields["alert"], case .string(let peer)? = fields["peer"],
              case .string(let reason)? = fields["reason"], case .object(let details)? = fields["details"]
        else {
            throw AuditStoreError(.malformed, "\(file) is not an alert request")
        }
        // The peer names a file (its evidence folder): only a node id's characters, never a path.
        guard Self.isIdentifier(peer), Self.isIdentifier(code) else {
            throw AuditStoreError(.malformed, "\(file) names a peer or alert that is not an identifier")
        }
        return (AuditAlert(code: code, peer: peer, reason: String(reason.prefix(1000)), details: details), fields)
    }

    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_": true
            default: false
            }
        }
    }
}

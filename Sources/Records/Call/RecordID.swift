import Foundation

/// Record identifiers: random UUIDs in lowercase text form.
public enum RecordID {
    /// A new random record id such as `6f1c2d3e-...`, lowercase.
    @Sendable
    public static func random() -> String {
        UUID().uuidString.lowercased()
    }
}

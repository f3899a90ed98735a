import Ledger
import Records

/// Checks stream bodies as a consumer would: each is a canonical ledger line whose `hash` recomputes and whose
/// `prev_hash` is the previous body's `hash` (bodies given in `seq` order from seq 1).
enum ChainCheck {
    struct Broken: Error, CustomStringConvertible {
        let description: String
    }

    static func verify(_ bodies: [[UInt8]]) throws {
        var previous = String(repeating: "0", count: 64)
        for (index, body) in bodies.enumerated() {
            guard case .object(var fields) = try CanonicalJSONParser().parseCanonical(body) else {
                throw Broken(description: "body \(index) is not an object")
            }
            guard case .string(let hash) = fields.removeValue(forKey: "hash"), case .string(let prev) = fields["prev_hash"] else {
                throw Broken(description: "body \(index) has no hash or prev_hash")
            }
            guard LedgerHash.sha256(CanonicalJSON.object(fields).canonicalBytes()).hex == hash else {
                throw Broken(description: "body \(index): hash does not recompute")
            }
            guard prev == previous else {
                throw Broken(description: "body \(index): prev_hash does not link")
            }
            previous = hash
        }
    }
}

internal import Crypto
internal import Foundation
public import Records

/// The fields of a `checkpoint` record and the check of its signature.
public enum CheckpointFields {
    /// The unsigned checkpoint fields `time_us`, `chains` and `public_key`; `HashChain.seal` adds the rest.
    public static func make(timeMicros: Int64, chains: [String: ChainHead], publicKeyBase64: String) -> [String: CanonicalJSON] {
        var heads: [String: CanonicalJSON] = [:]
        for (kind, head) in chains {
            heads[kind] = .object([
                "root": .string(head.root.hex),
                // Chain sizes stay far below 2^53, the range RFC 8785 integers keep exactly.
                "size": .integer(Int64(clamping: head.size)),
            ])
        }
        return [
            "time_us": .integer(timeMicros),
            "chains": .object(heads),
            "public_key": .string(publicKeyBase64),
        ]
    }

    /// Ed25519 over canonical bytes without hash and signature.
    public static func verifySignature(_ checkpointObject: [String: CanonicalJSON]) -> Bool {
        guard case .string(let signatureText)? = checkpointObject["signature"],
              case .string(let keyText)? = checkpointObject["public_key"],
              let signature = Data(base64Encoded: signatureText), signature.count == 64,
              let keyBytes = Data(base64Encoded: keyText), keyBytes.count == 32,
              let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        else {
            return false
        }
        var unsigned = checkpointObject
        unsigned.removeValue(forKey: "hash")
        unsigned.removeValue(forKey: "signature")
        return publicKey.isValidSignature(signature, for: CanonicalJSON.object(unsigned).canonicalBytes())
    }

    /// The 32 public key bytes named in a checkpoint's `public_key`, or nil when absent or malformed.
    public static func publicKey(of checkpointObject: [String: CanonicalJSON]) -> [UInt8]? {
        guard case .string(let keyText)? = checkpointObject["public_key"],
              let keyBytes = Data(base64Encoded: keyText), keyBytes.count == 32
        else {
            return nil
        }
        return Array(keyBytes)
    }

    /// The `chains` of a checkpoint as heads by kind, or nil when any entry is malformed.
    public static func chainHeads(of checkpointObject: [String: CanonicalJSON]) -> [String: ChainHead]? {
        guard case .object(let chains)? = checkpointObject["chains"] else { return nil }
        var heads: [String: ChainHead] = [:]
        for (kind, value) in chains {
            guard case .object(let fields) = value,
                  case .string(let rootText)? = fields["root"], let root = LedgerHash(hex: rootText),
                  case .integer(let size)? = fields["size"], size >= 0
            else {
                return nil
            }
            heads[kind] = ChainHead(size: UInt64(size), root: root)
        }
        return heads
    }
}

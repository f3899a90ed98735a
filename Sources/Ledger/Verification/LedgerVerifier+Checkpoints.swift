internal import Foundation
internal import Records

extension LedgerVerifier {
    /// Checks 3 and 4 of the format for every checkpoint in order; returns the size each chain is covered to.
    func checkCheckpoints(_ checkpoints: [CheckpointEntry], scans: [String: ChainScan]) throws(LedgerVerificationFailure) -> [String: UInt64] {
        let keyPath = NodeSigningKey.keysFolder + "/" + NodeSigningKey.publicKeyFileName
        var trustedKey: [UInt8]?
        var trustedFrom = keyPath
        do {
            trustedKey = try NodeSigningKey.loadPublicKey(dataDirectory: dataDirectory)
        } catch {
            throw LedgerVerificationFailure(.keyFileInvalid, path: keyPath, lineNumber: nil, kind: nil, seq: nil, error.reason)
        }

        var covered: [String: UInt64] = [:]
        for entry in checkpoints {
            let object = entry.object
            func failure(_ code: LedgerVerificationFailure.Code, _ reason: String) -> LedgerVerificationFailure {
                LedgerVerificationFailure(
                    code, path: entry.location.path, lineNumber: entry.location.lineNumber, kind: Self.checkpointKind,
                    seq: entry.location.seq, reason
                )
            }
            guard case .integer? = object["time_us"], case .object(let chains)? = object["chains"],
                  case .string(let keyText)? = object["public_key"], case .string(let signatureText)? = object["signature"]
            else {
                throw failure(.invalidField, "time_us, chains, public_key or signature missing or wrong")
            }
            guard Data(base64Encoded: keyText) != nil, Data(base64Encoded: signatureText) != nil else {
                throw failure(.invalidField, "public_key or signature is not base64")
            }
            guard CheckpointFields.verifySignature(object), let key = CheckpointFields.publicKey(of: object) else {
                throw failure(.signatureInvalid, "signature does not verify")
            }
            if let trustedKey, key != trustedKey {
                throw failure(.keyMismatch, "public_key is not the node's key (\(trustedFrom))")
            }
            trustedKey = key
            trustedFrom = "\(entry.location.path):\(entry.location.lineNumber)"

            for kind in Set(chains.keys).union(covered.keys).sorted() {
                guard let value = chains[kind] else {
                    throw failure(.sizeShrank, "chains.\(kind) missing, though an earlier checkpoint covered \(covered[kind] ?? 0) records")
                }
                guard kind != Self.checkpointKind else {
                    throw failure(.invalidField, "chains lists the checkpoint chain, which no Merkle tree covers")
                }
                guard let head = Self.chainHead(value) else {
                    throw failure(.invalidField, "chains.\(kind) missing or not {root, size}")
                }
                let have = scans[kind]?.count ?? 0
                if head.size > have {
                    throw failure(.missingRecords, "covers \(head.size) \(kind) records, only \(have) present")
                }
                if let previous = covered[kind], head.size < previous {
                    throw failure(.sizeShrank, "\(kind) size \(head.size) shrank from \(previous)")
                }
                guard let root = scans[kind]?.roots[head.size] ?? (head.size == 0 ? MerkleHashing.emptyRoot : nil) else {
                    throw failure(.rootMismatch, "\(kind) Merkle root over \(head.size) records was not computed")
                }
                if root != head.root {
                    throw failure(.rootMismatch, "\(kind) Merkle root over \(head.size) records does not match")
                }
                covered[kind] = head.size
            }
        }
        return covered
    }
}

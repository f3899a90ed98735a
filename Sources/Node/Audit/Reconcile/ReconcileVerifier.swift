import Foundation
import Ledger
import Records

/// Checks a peer's `ReconcileAnswer` and compares its CDRs with ours, receipt by receipt.
///
/// Proof first: the answer's checkpoint must read, verify with its own key, be signed with `peerKey` and name
/// `peerID` (else every receipt is `unproven`); each record must recompute its hash, be a `cdr` of `peerID` carrying
/// the receipt, and its inclusion proof must lead from leaf `seq - 1` to the checkpoint's cdr root (else `unproven`).
///
/// Then the comparison rule. The two CDRs describe the same hop from its two ends: one node's provider leg is the
/// other's customer leg. The direction is read from the legs (our `b_leg.call_id` is their `a_leg.call_id`: the peer
/// is our provider; our `a_leg.call_id` is their `b_leg.call_id`: the peer is our customer), failing that from the
/// trunk ids (our `provider_id` or `customer_id` is `peerID`); with neither the result is a `legs` mismatch.
/// Compared, each a difference when unequal:
/// - `rate`: our price toward the peer (`rating.provider.rate` when the peer is our provider, `rating.customer.rate`
///   when it is our customer) against the peer's price toward us (the other member of its `rating`), as exact
///   decimals; `currency`: the two `rating.currency`. A side without `rating` has rate `none`.
/// - `receipt_state`: the two `receipt.state`s (`confirmed` on both sides when the call was set up normally).
/// - `answer_us` and `end_us`: equal within `tolerance` (the two nodes' clocks and the signalling between them
///   differ a little); present on one side only is a difference.
public struct ReconcileVerifier: Sendable {
    /// The peer's node id (its checkpoints' and records' `node`).
    public let peerID: String
    /// The peer's configured Ed25519 public key, 32 bytes.
    public let peerKey: [UInt8]
    /// How far apart the two sides' answer and end times may be.
    public let tolerance: Duration

    /// A verifier for answers from `peerID`.
    public init(peerID: String, peerKey: [UInt8], tolerance: Duration) {
        self.peerID = peerID
        self.peerKey = peerKey
        self.tolerance = tolerance
    }

    /// One result per receipt in `ours` (our own CDRs by receipt GUID), in GUID order.
    public func verify(ours: [String: ReceiptRecordIndex.Entry], answer: ReconcileAnswer) -> [ReconcileResult] {
        let receipts = ours.keys.sorted()
        let checkpoint: (statement: CheckpointStatement, object: [String: CanonicalJSON])
        switch readCheckpoint(answer.checkpoint) {
        case .success(let read):
            checkpoint = read
        case .failure(let problem):
            return receipts.map { ReconcileResult(receipt: $0, outcome: .unproven(problem.reason)) }
        }
        return ours.sorted { $0.key < $1.key }.map { guid, ourEntry in
            guard let record = answer.records.first(where: { $0.receipt == guid }) else {
                return ReconcileResult(receipt: guid, outcome: answer.deferred.contains(guid) ? .deferred : .missing)
            }
            switch prove(record, checkpoint: checkpoint) {
            case .failure(let problem):
                return ReconcileResult(receipt: guid, outcome: .unproven(problem.reason))
            case .success(let theirs):
                let differences = compare(ours: ourEntry.fields, theirs: theirs)
                return ReconcileResult(receipt: guid, outcome: differences.isEmpty ? .agree : .mismatch(differences))
            }
        }
    }

    struct Problem: Error {
        let reason: String
    }

    private func readCheckpoint(_ line: String) -> Result<(statement: CheckpointStatement, object: [String: CanonicalJSON]), Problem> {
        let statement: CheckpointStatement
        do {
            statement = try CheckpointStatement(line: line)
        } catch {
            return .failure(Problem(reason: "the peer's checkpoint does not read: \(error)"))
        }
        guard statement.signatureVerifies else {
            return .failure(Problem(reason: "the peer's checkpoint signature does not verify"))
        }
        guard statement.publicKey == peerKey else {
            return .failure(Problem(reason: "the peer's checkpoint is signed by another key than the one configured for \(peerID)"))
        }
        guard statement.nodeID == peerID else {
            return .failure(Problem(reason: "the checkpoint is from node \(statement.nodeID), not \(peerID)"))
        }
        // CheckpointStatement accepted the line, so it is a canonical object.
        guard case .object(let object)? = try? CanonicalJSONParser().parse(Array(line.utf8)) else {
            return .failure(Problem(reason: "the peer's checkpoint does not read"))
        }
        return .success((statement, object))
    }

    private func prove(
        _ record: ReconcileAnswer.Record, checkpoint: (statement: CheckpointStatement, object: [String: CanonicalJSON])
    ) -> Result<[String: CanonicalJSON], Problem> {
        guard case .object(let fields)? = try? CanonicalJSONParser().parseCanonical(Array(record.line.utf8)) else {
            return .failure(Problem(reason: "the peer's CDR line is not canonical JSON"))
        }
        guard fields["kind"] == .string(CallDetailRecord.kind), fields["node"] == .string(peerID) else {
            return .failure(Problem(reason: "the peer's record is not a cdr of \(peerID)"))
        }
        guard case .object(let receipt)? = fields["receipt"], receipt["guid"] == .string(record.receipt) else {
            return .failure(Problem(reason: "the peer's CDR does not carry receipt \(record.receipt)"))
        }
        let head = checkpoint.statement.heads[CallDetailRecord.kind] ?? .empty
        let document = InclusionProofDocument(
            record: fields, leafIndex: record.seq - 1, treeSize: head.size, root: head.root, auditPath: record.proof,
            checkpoint: checkpoint.object
        )
        do {
            try document.verify()
        } catch {
            return .failure(Problem(reason: "the peer's CDR is not proven by its checkpoint: \(error)"))
        }
        return .success(fields)
    }
}

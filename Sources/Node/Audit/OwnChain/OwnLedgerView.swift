import Ledger

/// This node's latest durable checkpoint and the Merkle trees of the chains it covers, read from the data
/// directory: what the publisher proves its checkpoints with. Leaves are each record's `hash`, in `seq` order.
struct OwnLedgerView {
    private let dataDirectory: String
    private var checkpoints: ChainFollower
    private var followers: [String: ChainFollower] = [:]
    /// The chains' trees, by kind, holding at least the latest checkpoint's sizes.
    private(set) var trees: [String: MerkleTree] = [:]
    /// The last complete line of the checkpoint chain.
    private(set) var latestCheckpointLine: String?

    init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
        self.checkpoints = ChainFollower(dataDirectory: dataDirectory, kind: "checkpoint")
    }

    /// Reads what was written since the last call. The checkpoint is read first: the writer syncs records before
    /// it signs a checkpoint over them, so the chains then hold at least the checkpoint's sizes.
    mutating func refresh() throws(AuditChainError) {
        var latest = latestCheckpointLine
        try checkpoints.advance { _, _, line in
            latest = String(decoding: line, as: UTF8.self)
        }
        latestCheckpointLine = latest
        guard let latest, let statement = try? CheckpointStatement(line: latest) else { return }
        for kind in statement.heads.keys.sorted() {
            var follower = followers[kind] ?? ChainFollower(dataDirectory: dataDirectory, kind: kind)
            var tree = trees[kind] ?? MerkleTree()
            try follower.advance { _, hash, _ in
                tree.append(recordHash: hash)
            }
            followers[kind] = follower
            trees[kind] = tree
        }
    }
}

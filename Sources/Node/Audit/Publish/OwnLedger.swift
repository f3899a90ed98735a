import Ledger

/// This node's latest durable checkpoint and the trees that prove it, shared by the per-peer publishers so the
/// chain files are read once however many peers there are.
actor OwnLedger {
    private var view: OwnLedgerView

    init(dataDirectory: String) {
        self.view = OwnLedgerView(dataDirectory: dataDirectory)
    }

    /// Reads what the writer added since the last call; nil while no checkpoint is written yet.
    func current() throws(AuditChainError) -> (checkpointLine: String, trees: [String: MerkleTree])? {
        try view.refresh()
        guard let line = view.latestCheckpointLine else { return nil }
        return (line, view.trees)
    }
}

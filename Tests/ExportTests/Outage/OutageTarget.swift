@testable import Export

/// A real export target the outage scenario can take down and bring back: the server stops without warning (killed,
/// or its storage made unusable) and later returns on the same port over the same store, as a restarted service does.
protocol OutageTarget: Sendable {
    /// The target's id, the same in both node lives (it names the queue and done folders).
    var targetID: String { get }
    /// Starts the server for the first time, with an empty store (bucket or container created).
    func start() async throws
    /// The outage: the server goes away mid-run.
    func stop() async throws
    /// The server again, on the same port, over the store it had.
    func restart() async throws
    /// The exporter a node builds from its configuration; each node life gets a fresh one.
    func makeExporter() throws -> any FileExporter
    /// The name under which `file` lands, as `storedObjects` lists it; its manifest lands under this plus
    /// `.manifest.json`.
    func storedName(of file: ExportFile) -> String
    /// Everything the store holds for the test, by name, with the SHA-256 (hex) of the bytes read back. Temporary
    /// and partial objects count, so a leftover shows up as an extra.
    func storedObjects() async throws -> [String: String]
    /// How many uploads the server accepted under each name, when the server keeps a log of them; nil otherwise.
    func uploadCounts() async throws -> [String: Int]?
    /// Stops what still runs and removes what the target wrote.
    func tearDown() async
}

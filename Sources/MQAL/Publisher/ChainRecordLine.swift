import Foundation
import Ledger

/// The fields of a chain line the publisher needs: who wrote it and where it sits in its chain.
struct ChainRecordLine: Sendable, Hashable {
    let node: String
    let kind: String
    let seq: UInt64
    /// The line without its `\n`.
    let bytes: [UInt8]

    /// Reads `node`, `kind` and `seq` from the line's top-level object.
    ///
    /// The ledger's canonical line scanner (`ChainLineHeader`, the verifier's fast path) reads them without building
    /// any value; a line it does not take (not canonical, an escape in `node`/`kind`) goes through `JSONSerialization`.
    /// Parsing every line with `JSONSerialization` cost about 170 µs per 2.6 KB CDR on a loaded machine and held the
    /// publisher to about 2,700 records/s before any network (docs/benchmarks.md, "Publishing to NATS JetStream").
    init(line: ArraySlice<UInt8>, path: String) throws(StreamError) {
        if let header = ChainLineHeader(line: line) {
            self.node = header.node
            self.kind = header.kind
            self.seq = header.seq
            self.bytes = Array(line)
            return
        }
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let node = object["node"] as? String,
            let kind = object["kind"] as? String,
            let number = object["seq"] as? NSNumber,
            number.int64Value > 0
        else {
            throw StreamError(.chainUnreadable, reason: "\(path): a line is not a record with node, kind and seq")
        }
        self.node = node
        self.kind = kind
        self.seq = number.uint64Value
        self.bytes = Array(line)
    }

    /// The message this record becomes.
    var message: OutboundMessage {
        OutboundMessage(node: node, kind: kind, seq: seq, body: bytes)
    }
}

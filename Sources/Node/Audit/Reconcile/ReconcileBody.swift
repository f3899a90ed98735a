import Ledger
import Records

/// Reading a reconcile body: the size limit first, then the strict JSON parser with its own limits.
enum ReconcileBody {
    static func parse(_ body: some Collection<UInt8>, maximumBytes: Int, maxDepth: Int, what: String) throws(ReconcileError) -> CanonicalJSON {
        guard body.count <= maximumBytes else {
            throw ReconcileError(.tooLarge, "\(what) body of \(body.count) bytes exceeds \(maximumBytes)")
        }
        do {
            return try CanonicalJSONParser(maxBytes: maximumBytes, maxDepth: maxDepth).parse(body)
        } catch {
            throw ReconcileError(.malformed, "\(what) body is not JSON: \(error)")
        }
    }
}

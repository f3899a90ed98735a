/// A CDR's `quality` block (docs/cdr-format.md "Quality"): post-dial delay, setup time and the media statistics an
/// endpoint reported (voice, video), or delivery latency and final status (message).
///
/// Typed so the node sets it without building a dictionary per call on the event loop, and the record writer puts
/// its members in with literal keys instead of sorting one; `canonicalJSON()` is the same object as a value.
public enum QualityBlock: CanonicalBlockValue {
    /// `pdd_ms` and `setup_ms` (each only when known) and `media` (only when reported). With none of them the block
    /// is the empty object, as the dictionary it replaces was.
    case call(pddMillis: Int64?, setupMillis: Int64?, media: CanonicalJSON?)
    /// `delivery_ms` and `final_status`.
    case message(deliveryMillis: Int64, finalStatus: Int)

    public func canonicalJSON() -> CanonicalJSON {
        switch self {
        case .call(let pdd, let setup, let media):
            .object(omittingNil: [
                "pdd_ms": pdd.map(CanonicalJSON.integer),
                "setup_ms": setup.map(CanonicalJSON.integer),
                "media": media,
            ])
        case .message(let delivery, let finalStatus):
            .object(["delivery_ms": .integer(delivery), "final_status": .integer(finalStatus)])
        }
    }

    public func writeCanonicalMembers(into writer: inout CanonicalObjectWriter) {
        switch self {
        case .call(let pdd, let setup, let media):
            writer.member("media", media)
            writer.member("pdd_ms", pdd)
            writer.member("setup_ms", setup)
        case .message(let delivery, let finalStatus):
            writer.member("delivery_ms", delivery)
            writer.member("final_status", finalStatus)
        }
    }
}

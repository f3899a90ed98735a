import Foundation

/// Reproducible malformed SIP traffic: the same seed gives the same bytes on every run.
struct GarbageGenerator {
    private var rng: SplitMix64
    let nodePort: Int
    let replyPort: Int
    private var counter = 0

    init(seed: UInt64, nodePort: Int, replyPort: Int) {
        rng = SplitMix64(seed: seed)
        self.nodePort = nodePort
        self.replyPort = replyPort
    }

    /// One malformed datagram; the kinds rotate so every kind is well represented.
    mutating func datagram() -> [UInt8] {
        counter += 1
        switch counter % 8 {
        case 0: return randomBytes(count: Int.random(in: 1...1400, using: &rng))
        case 1: return truncatedInvite()
        case 2: return hugeHeader()
        case 3: return badContentLength()
        case 4: return Array(startLine().utf8) + randomBytes(count: Int.random(in: 1...600, using: &rng))
        case 5: return counter % 16 == 5 ? [] : [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0xFF]
        case 6: return answerableGarbage()
        default: return randomPrintable(count: Int.random(in: 1...900, using: &rng))
        }
    }

    /// A request with a good start line and Via but a broken mandatory header:
    /// the node can and should answer it with 400.
    mutating func answerableGarbage() -> [UInt8] {
        let tag = nextTag()
        var headers = [
            "INVITE sip:15551230000@127.0.0.1:\(nodePort) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(replyPort);branch=z9hG4bK\(tag);rport",
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1:\(replyPort)>;tag=\(tag)",
            "To: <sip:15551230000@127.0.0.1:\(nodePort)>",
            "Call-ID: bad-\(tag)@127.0.0.1",
            "CSeq: 1 INVITE",
            "Content-Length: 0",
        ]
        // Each variant breaks the transaction identity, so no lenient parser could start a call from it.
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: headers[6] = "CSeq: banana INVITE"
        case 1: headers[6] = "CSeq: -1 INVITE"
        case 2: headers.remove(at: 6)
        default: headers.remove(at: 5)
        }
        return Array(SIPText.lines(headers).utf8)
    }

    private mutating func truncatedInvite() -> [UInt8] {
        let full = Array(SIPText.invite(toPort: nodePort, replyPort: replyPort, tag: nextTag()).utf8)
        // Cut before the CSeq line so no prefix is a complete request that would start a call.
        let cseq = full.firstRange(of: Array("CSeq:".utf8))?.lowerBound ?? full.count / 2
        return Array(full.prefix(Int.random(in: 0..<cseq, using: &rng)))
    }

    private mutating func hugeHeader() -> [UInt8] {
        let size = Int.random(in: 8_000...60_000, using: &rng)
        let value = String(repeating: "x", count: size)
        return Array(SIPText.lines([
            startLine(),
            "Via: SIP/2.0/UDP 127.0.0.1:\(replyPort);branch=z9hG4bK\(nextTag());rport",
            "X-Huge: \(value)",
            "Content-Length: 0",
        ]).utf8)
    }

    private mutating func badContentLength() -> [UInt8] {
        let lengths = ["99999", "-5", "abc", "18446744073709551616", "", "1 2"]
        let length = lengths[Int.random(in: 0..<lengths.count, using: &rng)]
        // OPTIONS rather than INVITE: a node lenient about Content-Length must not start calls here.
        let invite = SIPText.invite(toPort: nodePort, replyPort: replyPort, tag: nextTag())
        let broken = invite
            .replacingOccurrences(ofContentLengthWith: length)
            .replacingOccurrences(of: "INVITE", with: "OPTIONS")
        return Array(broken.utf8)
    }

    private mutating func startLine() -> String {
        let methods = ["INVITE", "OPTIONS", "BYE", "ACK", "CANCEL", "REGISTER", "FOO"]
        return "\(methods[Int.random(in: 0..<methods.count, using: &rng)]) sip:x@127.0.0.1:\(nodePort) SIP/2.0\r\n"
    }

    private mutating func randomBytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    private mutating func randomPrintable(count: Int) -> [UInt8] {
        let alphabet = Array("SIP/2.0 :;<>@=,\r\n\tabcxyz0123456789".utf8)
        return (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
    }

    private mutating func nextTag() -> String {
        "g\(counter)x\(rng.next() & 0xFFFF)"
    }
}

extension String {
    fileprivate func replacingOccurrences(ofContentLengthWith value: String) -> String {
        split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("Content-Length:") ? "Content-Length: \(value)" : String($0) }
            .joined(separator: "\r\n")
    }
}

/// A small seeded generator, so garbage is reproducible (SystemRandomNumberGenerator is not).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

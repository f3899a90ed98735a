/// Hand-built SIP requests for probing the node without sipp.
enum SIPText {
    /// An OPTIONS request whose Via points back at `replyPort`.
    static func options(toPort port: Int, replyPort: Int, branch: String) -> String {
        lines([
            "OPTIONS sip:ping@127.0.0.1:\(port) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(replyPort);branch=z9hG4bK\(branch);rport",
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1:\(replyPort)>;tag=probe\(branch)",
            "To: <sip:ping@127.0.0.1:\(port)>",
            "Call-ID: probe-\(branch)@127.0.0.1",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
        ])
    }

    /// A complete, well-formed INVITE with SDP, the base for truncation and corruption.
    static func invite(toPort port: Int, replyPort: Int, tag: String) -> String {
        let sdp = lines([
            "v=0",
            "o=probe 1 1 IN IP4 127.0.0.1",
            "s=-",
            "c=IN IP4 127.0.0.1",
            "t=0 0",
            "m=audio 40000 RTP/AVP 0",
            "a=rtpmap:0 PCMU/8000",
        ], blankLineAtEnd: false)
        return lines([
            "INVITE sip:15551230000@127.0.0.1:\(port) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(replyPort);branch=z9hG4bK\(tag);rport",
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1:\(replyPort)>;tag=\(tag)",
            "To: <sip:15551230000@127.0.0.1:\(port)>",
            "Contact: <sip:probe@127.0.0.1:\(replyPort)>",
            "Content-Type: application/sdp",
            "Call-ID: inv-\(tag)@127.0.0.1",
            "CSeq: 1 INVITE",
            "Content-Length: \(sdp.utf8.count)",
        ]) + sdp
    }

    /// Joins header lines with CRLF and ends the header block with an empty line.
    static func lines(_ lines: [String], blankLineAtEnd: Bool = true) -> String {
        lines.joined(separator: "\r\n") + (blankLineAtEnd ? "\r\n\r\n" : "\r\n")
    }
}

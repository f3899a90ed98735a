import NIOCore

/// Realistic interconnect traffic, all with `Name: value` spacing and an exact Content-Length,
/// so parse → serialize must reproduce them byte for byte.
enum Samples {
    static let sdpOffer = """
    v=0
    o=carrierA 2890844526 2890844526 IN IP4 192.0.2.10
    s=-
    c=IN IP4 192.0.2.10
    t=0 0
    m=audio 49170 RTP/AVP 0 8 101
    a=rtpmap:0 PCMU/8000
    a=rtpmap:8 PCMA/8000
    a=rtpmap:101 telephone-event/8000
    a=fmtp:101 0-15
    a=ptime:20
    a=sendrecv

    """

    static let sdpAnswer = """
    v=0
    o=carrierB 1234 5678 IN IP6 2001:db8::20
    s=SIPswarm
    c=IN IP6 2001:db8::20
    t=0 0
    m=audio 30000 RTP/AVP 8 101
    a=rtpmap:8 PCMA/8000
    a=rtpmap:101 telephone-event/8000
    a=sendrecv

    """

    static let invite = wire("""
    INVITE sip:+4930123456@gw1.carrier-b.example;user=phone SIP/2.0
    Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport
    Via: SIP/2.0/TCP [2001:db8::5]:5061;branch=z9hG4bKnashds8;received=192.0.2.1
    Max-Forwards: 70
    To: <sip:+4930123456@gw1.carrier-b.example;user=phone>
    From: "Carrier A" <sip:+14155550100@sbc.carrier-a.example>;tag=1928301774
    Call-ID: a84b4c76e66710@pc33.carrier-a.example
    CSeq: 314159 INVITE
    Contact: <sip:+14155550100@192.0.2.10:5060;transport=udp>
    P-Asserted-Identity: <sip:+14155550100@carrier-a.example;user=phone>, <tel:+14155550100>
    Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE
    Supported: timer, 100rel
    Session-Expires: 1800;refresher=uac
    User-Agent: CarrierA-SBC/4.2
    Content-Type: application/sdp
    """, sdp: sdpOffer)

    static let inviteCompact = wire("""
    INVITE sips:bob@[2001:db8::1]:5061;transport=tls SIP/2.0
    v: SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bK-c1, SIP/2.0/TLS proxy.example:5061;branch=z9hG4bK-c0
    Max-Forwards: 69
    t: "Bob \\"The Builder\\"" <sips:bob@example.org>
    f: <sips:alice@example.com;transport=tls>;tag=abc
    i: compact-31415@example.com
    CSeq: 7 INVITE
    m: <sips:alice@[2001:db8::9]:5061;transport=tls>;expires=3600
    Route: <sip:edge1.example;lr>, <sip:core.example;lr>
    Route: <sip:last.example;lr;transport=tcp>
    c: application/sdp
    """, sdp: sdpOffer)

    static let ok200 = wire("""
    SIP/2.0 200 OK
    Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10
    Via: SIP/2.0/TCP [2001:db8::5]:5061;branch=z9hG4bKnashds8;received=192.0.2.1
    Record-Route: <sip:node1.sipswarm.example;lr>
    To: <sip:+4930123456@gw1.carrier-b.example;user=phone>;tag=as7d900
    From: "Carrier A" <sip:+14155550100@sbc.carrier-a.example>;tag=1928301774
    Call-ID: a84b4c76e66710@pc33.carrier-a.example
    CSeq: 314159 INVITE
    Contact: <sip:+4930123456@[2001:db8::20]:5060>
    Server: SIPswarm/0.1
    Content-Type: application/sdp
    """, sdp: sdpAnswer)

    static let ok200Options = wire("""
    SIP/2.0 200 OK
    Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKopt1
    To: <sip:ping@sipswarm.example>;tag=n1
    From: <sip:monitor@lb.example>;tag=m9
    Call-ID: options-ping-0001
    CSeq: 100 OPTIONS
    Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE
    Accept: application/sdp
    """)

    static let bye = wire("""
    BYE sip:+14155550100@192.0.2.10:5060;transport=udp SIP/2.0
    Via: SIP/2.0/UDP [2001:db8::20]:5060;branch=z9hG4bK-bye-1
    Max-Forwards: 70
    Route: <sip:node1.sipswarm.example;lr>
    From: <sip:+4930123456@gw1.carrier-b.example;user=phone>;tag=as7d900
    To: "Carrier A" <sip:+14155550100@sbc.carrier-a.example>;tag=1928301774
    Call-ID: a84b4c76e66710@pc33.carrier-a.example
    CSeq: 231 BYE
    Reason: Q.850;cause=16;text="Normal call clearing"
    """)

    static let cancel = wire("""
    CANCEL sip:+4930123456@gw1.carrier-b.example;user=phone SIP/2.0
    Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport
    Max-Forwards: 70
    To: <sip:+4930123456@gw1.carrier-b.example;user=phone>
    From: "Carrier A" <sip:+14155550100@sbc.carrier-a.example>;tag=1928301774
    Call-ID: a84b4c76e66710@pc33.carrier-a.example
    CSeq: 314159 CANCEL
    """)

    static let options = wire("""
    OPTIONS sip:sipswarm.example SIP/2.0
    Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKopt1
    Max-Forwards: 70
    To: <sip:ping@sipswarm.example>
    From: <sip:monitor@lb.example>;tag=m9
    Call-ID: options-ping-0001
    CSeq: 100 OPTIONS
    Accept: application/sdp
    """)

    static let message = wire("""
    MESSAGE sip:+447700900123@sms.carrier-c.example SIP/2.0
    Via: SIP/2.0/TCP 192.0.2.44:5060;branch=z9hG4bKmsg77
    Max-Forwards: 70
    From: sip:+15551234567@carrier-a.example;tag=49583
    To: sip:+447700900123@sms.carrier-c.example
    Call-ID: asd88asd77a@1.2.3.4
    CSeq: 1 MESSAGE
    Content-Type: text/plain;charset=UTF-8
    """, body: Array("Grüße, 👋 — your code is 123456".utf8))

    static let ringing180 = wire("""
    SIP/2.0 180 Ringing
    Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10
    To: <sip:+4930123456@gw1.carrier-b.example;user=phone>;tag=as7d900
    From: "Carrier A" <sip:+14155550100@sbc.carrier-a.example>;tag=1928301774
    Call-ID: a84b4c76e66710@pc33.carrier-a.example
    CSeq: 314159 INVITE
    Require: 100rel
    RSeq: 1
    """)

    static let all: [(name: String, bytes: ByteBuffer)] = [
        ("INVITE", invite), ("INVITE compact/sips/IPv6", inviteCompact), ("200 OK with SDP", ok200),
        ("200 OK to OPTIONS", ok200Options), ("BYE", bye), ("CANCEL", cancel), ("OPTIONS", options),
        ("MESSAGE", message), ("180 Ringing", ringing180),
    ]
}

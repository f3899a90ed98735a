import NIOCore
@testable import Node
import SIPCore
import SIPTransport
import Testing

/// RFC 3261 §18.2.1 `received` and RFC 3581 `rport` on the top Via, including the byte-level IPv4 check that spares
/// the usual request formatting the source address.
@Suite struct SIPViaStampingTests {
    private func stamped(via: String, from ip: String, port: Int = 5070) throws -> (top: String?, via: SIPVia?) {
        var request = SIPText.request([
            "INVITE sip:442071234567@node.example SIP/2.0",
            "Via: \(via)",
            "Via: SIP/2.0/UDP 198.51.100.9;branch=z9hG4bK-second",
            "From: <sip:a@example.com>;tag=1", "To: <sip:b@example.com>", "Call-ID: stamp-1", "CSeq: 1 INVITE",
            "Max-Forwards: 70",
        ])
        let source = SIPSource(transport: .udp, remote: try SocketAddress(ipAddress: ip, port: port), connection: nil)
        let returned = SIPViaStamping.stampReceived(on: &request, from: source)
        #expect(request.headers.values(.via).last == "SIP/2.0/UDP 198.51.100.9;branch=z9hG4bK-second")
        // What the engine keys the transaction on is the Via as it now stands.
        let top = request.headers.firstValue(.via)
        let via = top.flatMap { try? SIPVia(parsing: $0) }
        #expect(returned == via?.identity)
        return (top, via)
    }

    @Test func aViaNamingTheSourceIsLeftAsSent() throws {
        let sent = "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK-a"
        let result = try stamped(via: sent, from: "192.0.2.10")
        #expect(result.top == sent)
        #expect(result.via?.branch == "z9hG4bK-a")
    }

    @Test func anotherHostGetsReceived() throws {
        for host in ["192.0.2.11", "192.0.2.1", "192.0.2.100", "192.000.2.10", "192.0.2.010", "pbx.example.com", "10.0.2.10", "192.0.2"] {
            let result = try stamped(via: "SIP/2.0/UDP \(host):5070;branch=z9hG4bK-b", from: "192.0.2.10")
            #expect(result.top == "SIP/2.0/UDP \(host):5070;branch=z9hG4bK-b;received=192.0.2.10", "\(host)")
            #expect(result.via?.parameters["received"] == "192.0.2.10")
        }
    }

    @Test func rportIsFilledInAndBringsReceivedEvenFromTheSameHost() throws {
        let result = try stamped(via: "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK-c;rport", from: "192.0.2.10", port: 40_000)
        #expect(result.via?.parameters["rport"] == "40000")
        #expect(result.via?.parameters["received"] == "192.0.2.10")
        #expect(result.top?.hasPrefix("SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK-c;") == true)
    }

    @Test func ipv6SourcesCompareWithoutBrackets() throws {
        let same = try stamped(via: "SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK-d", from: "2001:db8::9")
        #expect(same.top == "SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK-d")
        let other = try stamped(via: "SIP/2.0/UDP [2001:db8::8]:5070;branch=z9hG4bK-e", from: "2001:db8::9")
        #expect(other.via?.parameters["received"] == "2001:db8::9")
    }

    @Test func theByteCheckAgreesWithTheFormattedAddress() throws {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let octets = (0..<4).map { Int((state >> (UInt64($0) * 16)) & 0xFF) }
            let text = octets.map(String.init).joined(separator: ".")
            let address = try SocketAddress(ipAddress: text, port: 5060)
            #expect(SIPViaStamping.isCanonicalIPv4(text, of: address))
            #expect(address.ipAddress == text)
            var altered = octets
            altered[Int(state % 4)] = (altered[Int(state % 4)] + 1) % 256
            #expect(!SIPViaStamping.isCanonicalIPv4(altered.map(String.init).joined(separator: "."), of: address))
        }
        let address = try SocketAddress(ipAddress: "10.0.0.1", port: 5060)
        for text in ["10.0.0.01", "010.0.0.1", "10.0.0.1.", ".10.0.0.1", "10.0.0", "10.0.0.1.1", "10.0.0.256", "10.0.0.1a", "", "10..0.1"] {
            #expect(!SIPViaStamping.isCanonicalIPv4(text, of: address), "\(text)")
        }
    }
}

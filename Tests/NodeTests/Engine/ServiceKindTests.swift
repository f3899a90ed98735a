@testable import Node
import Testing

/// Video is an `m=video ` line of the SDP offer, found in its bytes.
@Suite struct ServiceKindTests {
    static func isVideo(_ body: String) -> Bool {
        B2BUASession.containsVideoLine(Array(body.utf8))
    }

    @Test func findsAVideoLineAnywhereALineStarts() {
        #expect(Self.isVideo("m=video 6002 RTP/AVP 96\n"))
        #expect(Self.isVideo("v=0\r\nm=audio 6000 RTP/AVP 0\r\nm=video 6002 RTP/AVP 96\r\n"))
        #expect(Self.isVideo(CustomerCall.offer + "m=video 6002 RTP/AVP 96"))
    }

    @Test func ignoresVideoThatIsNotAMediaLine() {
        #expect(!Self.isVideo(""))
        #expect(!Self.isVideo(CustomerCall.offer))
        #expect(!Self.isVideo("a=x-m=video 1\n"))
        #expect(!Self.isVideo("m=videox\n"))
        #expect(!Self.isVideo("m=vide"))
    }
}

import SFTP
import Testing

@testable import Export

@Suite("SFTP failures as export errors")
struct SFTPErrorMappingTests {
    @Test("each SFTP failure maps to the documented code and retry decision", arguments: [
        (SFTPError(.connectionFailed, ""), ExportError.Code.unreachable, true),
        (SFTPError(.connectionClosed, ""), .unreachable, true),
        (SFTPError(.timeout, ""), .unreachable, true),
        (SFTPError(.authenticationFailed, ""), .authentication, false),
        (SFTPError(.unknownHostKey, ""), .authentication, false),
        (SFTPError(.hostKeyMismatch, ""), .authentication, false),
        (SFTPError(.encryptedPrivateKey, ""), .configuration, false),
        (SFTPError(.invalidKnownHosts, ""), .configuration, false),
        (SFTPError(.status, "", status: .permissionDenied), .rejected, false),
        (SFTPError(.status, "", status: .failure), .rejected, true),
        (SFTPError(.malformedPacket, ""), .rejected, true),
    ])
    func mapping(_ error: SFTPError, _ code: ExportError.Code, _ retryable: Bool) {
        let mapped = ExportError(error, target: "t")
        #expect(mapped.code == code)
        #expect(mapped.retryable == retryable)
    }

    @Test("a password never appears in a configuration's description")
    func redaction() {
        let credential = SFTPExporterConfiguration.Credential.password("hunter2")
        #expect(!"\(credential)".contains("hunter2"))
        #expect(!"\(SFTPClientConfiguration.Authentication.password("hunter2"))".contains("hunter2"))
    }
}

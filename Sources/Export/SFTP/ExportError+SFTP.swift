import SFTP

extension ExportError {
    /// How an SFTP failure counts for the retry queue: network trouble is retried, refused credentials and host
    /// keys are not (waiting will not fix them), server refusals are retried unless they say "not allowed".
    init(_ error: SFTPError, target: String) {
        let reason = "\(target): \(error)"
        switch error.code {
        case .connectionFailed, .connectionClosed, .timeout, .ssh:
            self.init(.unreachable, reason: reason, retryable: true)
        case .authenticationFailed, .unknownHostKey, .hostKeyMismatch:
            self.init(.authentication, reason: reason, retryable: false)
        case .invalidPrivateKey, .encryptedPrivateKey, .invalidKnownHosts:
            self.init(.configuration, reason: reason, retryable: false)
        case .status:
            let permanent: Set<SFTPStatusCode> = [.permissionDenied, .operationUnsupported, .badMessage]
            self.init(.rejected, reason: reason, retryable: !permanent.contains(error.status ?? .failure))
        case .malformedPacket, .packetTooLarge, .unexpectedResponse, .subsystemRefused:
            self.init(.rejected, reason: reason, retryable: true)
        case .unsupportedVersion:
            self.init(.rejected, reason: reason, retryable: false)
        default:
            self.init(.rejected, reason: reason, retryable: true)
        }
    }
}

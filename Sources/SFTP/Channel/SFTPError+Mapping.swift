internal import NIOCore
internal import NIOSSH
internal import NIOPosix

extension SFTPError {
    /// Turns whatever a pipeline or bootstrap threw into an `SFTPError`, keeping ours as they are.
    static func from(_ error: any Error, during phase: String) -> SFTPError {
        if let error = error as? SFTPError { return error }
        if let error = error as? NIOSSHError {
            return SFTPError(.ssh, "SSH failure during \(phase): \(error.type)")
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return SFTPError(.connectionFailed, "connect timed out during \(phase)")
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return SFTPError(.connectionClosed, "connection closed during \(phase)")
            default:
                return SFTPError(.connectionClosed, "channel error during \(phase): \(error)")
            }
        }
        if error is NIOConnectionError {
            return SFTPError(.connectionFailed, "cannot connect during \(phase): \(error)")
        }
        if error is IOError {
            return SFTPError(.connectionClosed, "I/O error during \(phase): \(error)")
        }
        return SFTPError(.ssh, "\(phase) failed: \(error)")
    }
}

extension SFTPResponse {
    /// Succeeds on SSH_FX_OK; any other status becomes an `SFTPError` carrying the code and the operation.
    func expectOK(_ operation: @autoclosure () -> String) throws(SFTPError) {
        switch self {
        case .status(let status) where status.code == .ok:
            return
        case .status(let status):
            throw Self.statusError(status, operation())
        case .handle, .data, .name, .attributes, .extendedReply:
            throw SFTPError(.unexpectedResponse, "\(operation()): expected a STATUS, got \(kind)")
        }
    }

    func expectHandle(_ operation: @autoclosure () -> String) throws(SFTPError) -> SFTPHandle {
        switch self {
        case .handle(let handle): return handle
        case .status(let status): throw Self.statusError(status, operation())
        case .data, .name, .attributes, .extendedReply:
            throw SFTPError(.unexpectedResponse, "\(operation()): expected a HANDLE, got \(kind)")
        }
    }

    func expectAttributes(_ operation: @autoclosure () -> String) throws(SFTPError) -> SFTPAttributes {
        switch self {
        case .attributes(let attributes): return attributes
        case .status(let status): throw Self.statusError(status, operation())
        case .handle, .data, .name, .extendedReply:
            throw SFTPError(.unexpectedResponse, "\(operation()): expected ATTRS, got \(kind)")
        }
    }

    func expectNames(_ operation: @autoclosure () -> String) throws(SFTPError) -> [SFTPNameEntry] {
        switch self {
        case .name(let entries): return entries
        case .status(let status): throw Self.statusError(status, operation())
        case .handle, .data, .attributes, .extendedReply:
            throw SFTPError(.unexpectedResponse, "\(operation()): expected NAME, got \(kind)")
        }
    }

    static func statusError(_ status: SFTPStatus, _ operation: String) -> SFTPError {
        let detail = status.message.isEmpty ? "" : " (\(status.message))"
        return SFTPError(.status, "\(operation): \(status.code)\(detail)", status: status.code)
    }

    var kind: String {
        switch self {
        case .status: "STATUS"
        case .handle: "HANDLE"
        case .data: "DATA"
        case .name: "NAME"
        case .attributes: "ATTRS"
        case .extendedReply: "EXTENDED_REPLY"
        }
    }
}

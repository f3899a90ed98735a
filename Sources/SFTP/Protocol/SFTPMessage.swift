public import NIOCore

/// An opaque file or directory handle issued by the server (at most 256 bytes in practice).
public struct SFTPHandle: Hashable, Sendable, CustomStringConvertible {
    public var bytes: ByteBuffer
    public init(_ bytes: ByteBuffer) { self.bytes = bytes }
    public var description: String { "handle(\(bytes.readableBytes) bytes)" }
}

/// One entry of an SSH_FXP_NAME answer.
public struct SFTPNameEntry: Hashable, Sendable {
    public var filename: String
    /// `ls -l` style line; informational only (the draft forbids parsing it).
    public var longname: String
    public var attributes: SFTPAttributes
    public init(filename: String, longname: String, attributes: SFTPAttributes) {
        self.filename = filename
        self.longname = longname
        self.attributes = attributes
    }
}

/// What a client asks; each is sent with a request id.
public enum SFTPRequest: Hashable, Sendable {
    case open(path: String, flags: SFTPOpenFlags, attributes: SFTPAttributes)
    case close(SFTPHandle)
    case read(SFTPHandle, offset: UInt64, length: UInt32)
    case write(SFTPHandle, offset: UInt64, data: ByteBuffer)
    case lstat(path: String)
    case fstat(SFTPHandle)
    case setstat(path: String, attributes: SFTPAttributes)
    case fsetstat(SFTPHandle, attributes: SFTPAttributes)
    case opendir(path: String)
    case readdir(SFTPHandle)
    case remove(path: String)
    case mkdir(path: String, attributes: SFTPAttributes)
    case rmdir(path: String)
    case realpath(path: String)
    case stat(path: String)
    case rename(from: String, to: String)
    /// SSH_FXP_EXTENDED: `data` is everything after the request name (e.g. the handle for `fsync@openssh.com`).
    case extended(name: String, data: ByteBuffer)
}

/// What a server answers; each carries the id of the request it answers.
public enum SFTPResponse: Hashable, Sendable {
    case status(SFTPStatus)
    case handle(SFTPHandle)
    case data(ByteBuffer)
    case name([SFTPNameEntry])
    case attributes(SFTPAttributes)
    case extendedReply(ByteBuffer)
}

/// One SFTP packet, either direction.
public enum SFTPMessage: Hashable, Sendable {
    case initialize(version: UInt32, extensions: [SFTPExtension])
    case version(version: UInt32, extensions: [SFTPExtension])
    case request(id: UInt32, SFTPRequest)
    case response(id: UInt32, SFTPResponse)
}

internal import NIOCore

// The SSH wire primitives (RFC 4251 section 5) that SFTP and the OpenSSH key format share.
// Readers throw `malformedPacket` instead of returning nil, so decoders read straight through.
extension ByteBuffer {
    mutating func readSSHUInt8(_ field: StaticString) throws(SFTPError) -> UInt8 {
        guard let value = readInteger(as: UInt8.self) else { throw Self.short(field) }
        return value
    }

    mutating func readSSHUInt32(_ field: StaticString) throws(SFTPError) -> UInt32 {
        guard let value = readInteger(as: UInt32.self) else { throw Self.short(field) }
        return value
    }

    mutating func readSSHUInt64(_ field: StaticString) throws(SFTPError) -> UInt64 {
        guard let value = readInteger(as: UInt64.self) else { throw Self.short(field) }
        return value
    }

    /// An SSH `string` as raw bytes (a slice, no copy).
    mutating func readSSHBytes(_ field: StaticString) throws(SFTPError) -> ByteBuffer {
        let length = try readSSHUInt32(field)
        guard length <= readableBytes, let slice = readSlice(length: Int(length)) else {
            throw SFTPError(.malformedPacket, "\(field): string of \(length) bytes, \(readableBytes) left")
        }
        return slice
    }

    /// An SSH `string` as text. Invalid UTF-8 is repaired rather than rejected: paths are bytes on the server.
    mutating func readSSHString(_ field: StaticString) throws(SFTPError) -> String {
        let bytes = try readSSHBytes(field)
        return String(decoding: bytes.readableBytesView, as: UTF8.self)
    }

    mutating func writeSSHString(_ string: String) {
        writeInteger(UInt32(string.utf8.count))
        writeString(string)
    }

    mutating func writeSSHBytes(_ bytes: ByteBuffer) {
        writeInteger(UInt32(bytes.readableBytes))
        writeImmutableBuffer(bytes)
    }

    mutating func writeSSHBytes(_ bytes: some Collection<UInt8>) {
        writeInteger(UInt32(bytes.count))
        writeBytes(bytes)
    }

    /// Throws unless every byte was read: a field-level decoder that leaves bytes behind misread the packet.
    func requireFullyRead(_ what: StaticString) throws(SFTPError) {
        guard readableBytes == 0 else {
            throw SFTPError(.malformedPacket, "\(what): \(readableBytes) trailing bytes")
        }
    }

    private static func short(_ field: StaticString) -> SFTPError {
        SFTPError(.malformedPacket, "\(field): packet ends early")
    }
}

public import NIOCore

/// Frames the SFTP byte stream: uint32 length, then that many bytes of packet, decoded to an `SFTPMessage`.
///
/// Single-step: returns `nil` without consuming while a packet is incomplete; throws `packetTooLarge` as soon as a
/// length above the cap is seen (before buffering it), and `malformedPacket` for a bad body.
public struct SFTPPacketDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = SFTPMessage

    /// OpenSSH's own limit is 256 KiB per message; this leaves room for other servers' framing.
    public static let defaultMaximumPacketLength = 512 * 1024

    public let maximumPacketLength: Int

    public init(maximumPacketLength: Int = Self.defaultMaximumPacketLength) {
        self.maximumPacketLength = maximumPacketLength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> SFTPMessage? {
        try decodeTyped(buffer: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SFTPMessage? {
        try decodeTyped(buffer: &buffer)
    }

    /// The same as `decode(buffer:)` with the error type spelled out, for callers outside a pipeline.
    public func decodeTyped(buffer: inout ByteBuffer) throws(SFTPError) -> SFTPMessage? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length > 0 else { throw SFTPError(.malformedPacket, "zero-length packet") }
        guard length <= maximumPacketLength else {
            throw SFTPError(.packetTooLarge, "packet of \(length) bytes exceeds \(maximumPacketLength)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        guard let body = buffer.getSlice(at: buffer.readerIndex + 4, length: Int(length)) else { return nil }
        let message = try SFTPMessage.decode(body: body)
        buffer.moveReaderIndex(forwardBy: 4 + Int(length))
        return message
    }
}

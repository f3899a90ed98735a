public import NIOCore

extension SFTPMessage {
    /// Decodes one packet body (type byte onward, length prefix already removed).
    ///
    /// Every byte must be accounted for: a short field, trailing bytes or an unknown type is `malformedPacket`.
    public static func decode(body: ByteBuffer) throws(SFTPError) -> SFTPMessage {
        var buffer = body
        let typeByte = try buffer.readSSHUInt8("packet type")
        guard let type = SFTPPacketType(rawValue: typeByte) else {
            throw SFTPError(.malformedPacket, "unknown packet type \(typeByte)")
        }
        let message: SFTPMessage
        switch type {
        case .initialize:
            let (version, extensions) = try readVersion(&buffer)
            message = .initialize(version: version, extensions: extensions)
        case .version:
            let (version, extensions) = try readVersion(&buffer)
            message = .version(version: version, extensions: extensions)
        case .open, .close, .read, .write, .lstat, .fstat, .setstat, .fsetstat, .opendir, .readdir, .remove,
            .mkdir, .rmdir, .realpath, .stat, .rename, .extended:
            let id = try buffer.readSSHUInt32("request id")
            message = .request(id: id, try SFTPRequest.read(type, from: &buffer))
        case .status, .handle, .data, .name, .attrs, .extendedReply:
            let id = try buffer.readSSHUInt32("request id")
            message = .response(id: id, try SFTPResponse.read(type, from: &buffer))
        }
        try buffer.requireFullyRead("packet")
        return message
    }

    private static func readVersion(_ buffer: inout ByteBuffer) throws(SFTPError) -> (UInt32, [SFTPExtension]) {
        let version = try buffer.readSSHUInt32("version")
        var extensions: [SFTPExtension] = []
        // Extension pairs run to the end of the packet (section 4).
        while buffer.readableBytes > 0 {
            let name = try buffer.readSSHString("extension name")
            let data = try buffer.readSSHString("extension data")
            extensions.append(SFTPExtension(name: name, data: data))
        }
        return (version, extensions)
    }
}

extension SFTPRequest {
    fileprivate static func read(_ type: SFTPPacketType, from buffer: inout ByteBuffer) throws(SFTPError) -> SFTPRequest {
        func handle() throws(SFTPError) -> SFTPHandle { SFTPHandle(try buffer.readSSHBytes("handle")) }
        func path(_ field: StaticString = "path") throws(SFTPError) -> String { try buffer.readSSHString(field) }

        switch type {
        case .open:
            let path = try path()
            let flags = SFTPOpenFlags(rawValue: try buffer.readSSHUInt32("pflags"))
            return .open(path: path, flags: flags, attributes: try SFTPAttributes.read(from: &buffer))
        case .close:
            return .close(try handle())
        case .read:
            let handle = try handle()
            let offset = try buffer.readSSHUInt64("offset")
            return .read(handle, offset: offset, length: try buffer.readSSHUInt32("length"))
        case .write:
            let handle = try handle()
            let offset = try buffer.readSSHUInt64("offset")
            return .write(handle, offset: offset, data: try buffer.readSSHBytes("data"))
        case .lstat:
            return .lstat(path: try path())
        case .fstat:
            return .fstat(try handle())
        case .setstat:
            let path = try path()
            return .setstat(path: path, attributes: try SFTPAttributes.read(from: &buffer))
        case .fsetstat:
            let handle = try handle()
            return .fsetstat(handle, attributes: try SFTPAttributes.read(from: &buffer))
        case .opendir:
            return .opendir(path: try path())
        case .readdir:
            return .readdir(try handle())
        case .remove:
            return .remove(path: try path())
        case .mkdir:
            let path = try path()
            return .mkdir(path: path, attributes: try SFTPAttributes.read(from: &buffer))
        case .rmdir:
            return .rmdir(path: try path())
        case .realpath:
            return .realpath(path: try path())
        case .stat:
            return .stat(path: try path())
        case .rename:
            let from = try path("old path")
            return .rename(from: from, to: try path("new path"))
        case .extended:
            let name = try buffer.readSSHString("extended request")
            let data = buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer()
            return .extended(name: name, data: data)
        case .initialize, .version, .status, .handle, .data, .name, .attrs, .extendedReply:
            throw SFTPError(.malformedPacket, "type \(type.rawValue) is not a request")
        }
    }
}

extension SFTPResponse {
    fileprivate static func read(_ type: SFTPPacketType, from buffer: inout ByteBuffer) throws(SFTPError) -> SFTPResponse {
        switch type {
        case .status:
            let code = SFTPStatusCode(rawValue: try buffer.readSSHUInt32("status code"))
            // Servers older than version 3 end the packet after the code; accept that rather than fail a valid answer.
            guard buffer.readableBytes > 0 else { return .status(SFTPStatus(code: code)) }
            let message = try buffer.readSSHString("status message")
            let language = try buffer.readSSHString("language tag")
            return .status(SFTPStatus(code: code, message: message, languageTag: language))
        case .handle:
            return .handle(SFTPHandle(try buffer.readSSHBytes("handle")))
        case .data:
            return .data(try buffer.readSSHBytes("data"))
        case .name:
            let count = try buffer.readSSHUInt32("name count")
            var entries: [SFTPNameEntry] = []
            // No reserveCapacity(count): a forged count must run out of bytes, not allocate.
            for _ in 0..<count {
                let filename = try buffer.readSSHString("filename")
                let longname = try buffer.readSSHString("longname")
                let attributes = try SFTPAttributes.read(from: &buffer)
                entries.append(SFTPNameEntry(filename: filename, longname: longname, attributes: attributes))
            }
            return .name(entries)
        case .attrs:
            return .attributes(try SFTPAttributes.read(from: &buffer))
        case .extendedReply:
            return .extendedReply(buffer.readSlice(length: buffer.readableBytes) ?? ByteBuffer())
        case .initialize, .version, .open, .close, .read, .write, .lstat, .fstat, .setstat, .fsetstat, .opendir,
            .readdir, .remove, .mkdir, .rmdir, .realpath, .stat, .rename, .extended:
            throw SFTPError(.malformedPacket, "type \(type.rawValue) is not a response")
        }
    }
}

public import NIOCore

extension SFTPMessage {
    /// Appends the whole packet, uint32 length prefix included.
    public func write(into buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        let bodyStart = buffer.writerIndex
        writeBody(into: &buffer)
        buffer.setInteger(UInt32(buffer.writerIndex - bodyStart), at: lengthIndex)
    }

    private func writeBody(into buffer: inout ByteBuffer) {
        switch self {
        case .initialize(let version, let extensions):
            buffer.writeInteger(SFTPPacketType.initialize.rawValue)
            Self.writeVersion(version, extensions, into: &buffer)
        case .version(let version, let extensions):
            buffer.writeInteger(SFTPPacketType.version.rawValue)
            Self.writeVersion(version, extensions, into: &buffer)
        case .request(let id, let request):
            request.write(id: id, into: &buffer)
        case .response(let id, let response):
            response.write(id: id, into: &buffer)
        }
    }

    private static func writeVersion(_ version: UInt32, _ extensions: [SFTPExtension], into buffer: inout ByteBuffer) {
        buffer.writeInteger(version)
        for pair in extensions {
            buffer.writeSSHString(pair.name)
            buffer.writeSSHString(pair.data)
        }
    }
}

extension SFTPRequest {
    func write(id: UInt32, into buffer: inout ByteBuffer) {
        func header(_ type: SFTPPacketType) {
            buffer.writeInteger(type.rawValue)
            buffer.writeInteger(id)
        }
        switch self {
        case .open(let path, let flags, let attributes):
            header(.open)
            buffer.writeSSHString(path)
            buffer.writeInteger(flags.rawValue)
            attributes.write(into: &buffer)
        case .close(let handle):
            header(.close)
            buffer.writeSSHBytes(handle.bytes)
        case .read(let handle, let offset, let length):
            header(.read)
            buffer.writeSSHBytes(handle.bytes)
            buffer.writeInteger(offset)
            buffer.writeInteger(length)
        case .write(let handle, let offset, let data):
            header(.write)
            buffer.writeSSHBytes(handle.bytes)
            buffer.writeInteger(offset)
            buffer.writeSSHBytes(data)
        case .lstat(let path):
            header(.lstat)
            buffer.writeSSHString(path)
        case .fstat(let handle):
            header(.fstat)
            buffer.writeSSHBytes(handle.bytes)
        case .setstat(let path, let attributes):
            header(.setstat)
            buffer.writeSSHString(path)
            attributes.write(into: &buffer)
        case .fsetstat(let handle, let attributes):
            header(.fsetstat)
            buffer.writeSSHBytes(handle.bytes)
            attributes.write(into: &buffer)
        case .opendir(let path):
            header(.opendir)
            buffer.writeSSHString(path)
        case .readdir(let handle):
            header(.readdir)
            buffer.writeSSHBytes(handle.bytes)
        case .remove(let path):
            header(.remove)
            buffer.writeSSHString(path)
        case .mkdir(let path, let attributes):
            header(.mkdir)
            buffer.writeSSHString(path)
            attributes.write(into: &buffer)
        case .rmdir(let path):
            header(.rmdir)
            buffer.writeSSHString(path)
        case .realpath(let path):
            header(.realpath)
            buffer.writeSSHString(path)
        case .stat(let path):
            header(.stat)
            buffer.writeSSHString(path)
        case .rename(let from, let to):
            header(.rename)
            buffer.writeSSHString(from)
            buffer.writeSSHString(to)
        case .extended(let name, let data):
            header(.extended)
            buffer.writeSSHString(name)
            buffer.writeImmutableBuffer(data)
        }
    }
}

extension SFTPResponse {
    func write(id: UInt32, into buffer: inout ByteBuffer) {
        func header(_ type: SFTPPacketType) {
            buffer.writeInteger(type.rawValue)
            buffer.writeInteger(id)
        }
        switch self {
        case .status(let status):
            header(.status)
            buffer.writeInteger(status.code.rawValue)
            buffer.writeSSHString(status.message)
            buffer.writeSSHString(status.languageTag)
        case .handle(let handle):
            header(.handle)
            buffer.writeSSHBytes(handle.bytes)
        case .data(let data):
            header(.data)
            buffer.writeSSHBytes(data)
        case .name(let entries):
            header(.name)
            buffer.writeInteger(UInt32(entries.count))
            for entry in entries {
                buffer.writeSSHString(entry.filename)
                buffer.writeSSHString(entry.longname)
                entry.attributes.write(into: &buffer)
            }
        case .attributes(let attributes):
            header(.attrs)
            attributes.write(into: &buffer)
        case .extendedReply(let data):
            header(.extendedReply)
            buffer.writeImmutableBuffer(data)
        }
    }
}

internal import NIOCore

/// The ATTRS structure of SFTP v3 (section 5): every field optional, present when its flag is set.
public struct SFTPAttributes: Hashable, Sendable {
    public struct Owner: Hashable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
        public init(uid: UInt32, gid: UInt32) {
            self.uid = uid
            self.gid = gid
        }
    }

    public struct Times: Hashable, Sendable {
        /// Seconds since the epoch.
        public var accessTime: UInt32
        public var modificationTime: UInt32
        public init(accessTime: UInt32, modificationTime: UInt32) {
            self.accessTime = accessTime
            self.modificationTime = modificationTime
        }
    }

    public var size: UInt64?
    public var owner: Owner?
    /// POSIX mode bits, including the file type bits on answers.
    public var permissions: UInt32?
    public var times: Times?
    public var extended: [SFTPExtension]

    public init(size: UInt64? = nil, owner: Owner? = nil, permissions: UInt32? = nil, times: Times? = nil, extended: [SFTPExtension] = []) {
        self.size = size
        self.owner = owner
        self.permissions = permissions
        self.times = times
        self.extended = extended
    }

    /// No attributes (flags 0).
    public static let none = SFTPAttributes()

    /// Whether the mode bits say directory (S_IFDIR).
    public var isDirectory: Bool { permissions.map { $0 & 0o170000 == 0o040000 } ?? false }
}

/// A name/data pair: the extensions in INIT/VERSION and in ATTRS.
public struct SFTPExtension: Hashable, Sendable {
    public var name: String
    public var data: String
    public init(name: String, data: String) {
        self.name = name
        self.data = data
    }
}

extension SFTPAttributes {
    private enum Flag {
        static let size: UInt32 = 0x0000_0001
        static let uidGid: UInt32 = 0x0000_0002
        static let permissions: UInt32 = 0x0000_0004
        static let accessModificationTime: UInt32 = 0x0000_0008
        static let extended: UInt32 = 0x8000_0000
        static let known = size | uidGid | permissions | accessModificationTime | extended
    }

    func write(into buffer: inout ByteBuffer) {
        var flags: UInt32 = 0
        if size != nil { flags |= Flag.size }
        if owner != nil { flags |= Flag.uidGid }
        if permissions != nil { flags |= Flag.permissions }
        if times != nil { flags |= Flag.accessModificationTime }
        if !extended.isEmpty { flags |= Flag.extended }
        buffer.writeInteger(flags)
        if let size { buffer.writeInteger(size) }
        if let owner {
            buffer.writeInteger(owner.uid)
            buffer.writeInteger(owner.gid)
        }
        if let permissions { buffer.writeInteger(permissions) }
        if let times {
            buffer.writeInteger(times.accessTime)
            buffer.writeInteger(times.modificationTime)
        }
        if !extended.isEmpty {
            buffer.writeInteger(UInt32(extended.count))
            for pair in extended {
                buffer.writeSSHString(pair.name)
                buffer.writeSSHString(pair.data)
            }
        }
    }

    static func read(from buffer: inout ByteBuffer) throws(SFTPError) -> SFTPAttributes {
        let flags = try buffer.readSSHUInt32("attrs flags")
        // Unknown flag bits would mean fields of unknown length follow: nothing after them can be trusted.
        guard flags & ~Flag.known == 0 else {
            throw SFTPError(.malformedPacket, "attrs: unknown flags 0x\(String(flags, radix: 16))")
        }
        var attributes = SFTPAttributes()
        if flags & Flag.size != 0 { attributes.size = try buffer.readSSHUInt64("attrs size") }
        if flags & Flag.uidGid != 0 {
            let uid = try buffer.readSSHUInt32("attrs uid")
            let gid = try buffer.readSSHUInt32("attrs gid")
            attributes.owner = Owner(uid: uid, gid: gid)
        }
        if flags & Flag.permissions != 0 { attributes.permissions = try buffer.readSSHUInt32("attrs permissions") }
        if flags & Flag.accessModificationTime != 0 {
            let atime = try buffer.readSSHUInt32("attrs atime")
            let mtime = try buffer.readSSHUInt32("attrs mtime")
            attributes.times = Times(accessTime: atime, modificationTime: mtime)
        }
        if flags & Flag.extended != 0 {
            let count = try buffer.readSSHUInt32("attrs extended count")
            // Each pair takes at least 8 bytes, so a huge count runs out of bytes instead of memory.
            for _ in 0..<count {
                let name = try buffer.readSSHString("attrs extended type")
                let data = try buffer.readSSHString("attrs extended data")
                attributes.extended.append(SFTPExtension(name: name, data: data))
            }
        }
        return attributes
    }
}

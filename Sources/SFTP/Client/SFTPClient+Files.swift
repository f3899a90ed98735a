internal import NIOCore

// One method per SFTP v3 request the exporter and operators need, each checking the answer's type.
extension SFTPClient {
    public func open(_ path: String, flags: SFTPOpenFlags, attributes: SFTPAttributes = .none) async throws(SFTPError) -> SFTPHandle {
        try await request(.open(path: path, flags: flags, attributes: attributes)).expectHandle("open \(path)")
    }

    public func close(_ handle: SFTPHandle) async throws(SFTPError) {
        try await request(.close(handle)).expectOK("close")
    }

    public func stat(_ path: String) async throws(SFTPError) -> SFTPAttributes {
        try await request(.stat(path: path)).expectAttributes("stat \(path)")
    }

    public func lstat(_ path: String) async throws(SFTPError) -> SFTPAttributes {
        try await request(.lstat(path: path)).expectAttributes("lstat \(path)")
    }

    public func fstat(_ handle: SFTPHandle) async throws(SFTPError) -> SFTPAttributes {
        try await request(.fstat(handle)).expectAttributes("fstat")
    }

    /// `stat`, with "no such file" as `nil` instead of an error.
    public func statIfExists(_ path: String) async throws(SFTPError) -> SFTPAttributes? {
        do throws(SFTPError) {
            return try await stat(path)
        } catch where error.status == .noSuchFile {
            return nil
        }
    }

    public func setstat(_ path: String, attributes: SFTPAttributes) async throws(SFTPError) {
        try await request(.setstat(path: path, attributes: attributes)).expectOK("setstat \(path)")
    }

    public func fsetstat(_ handle: SFTPHandle, attributes: SFTPAttributes) async throws(SFTPError) {
        try await request(.fsetstat(handle, attributes: attributes)).expectOK("fsetstat")
    }

    public func mkdir(_ path: String, attributes: SFTPAttributes = .none) async throws(SFTPError) {
        try await request(.mkdir(path: path, attributes: attributes)).expectOK("mkdir \(path)")
    }

    public func rmdir(_ path: String) async throws(SFTPError) {
        try await request(.rmdir(path: path)).expectOK("rmdir \(path)")
    }

    public func remove(_ path: String) async throws(SFTPError) {
        try await request(.remove(path: path)).expectOK("remove \(path)")
    }

    /// SSH_FXP_RENAME. Version 3 servers (OpenSSH included) refuse it when `to` exists.
    public func rename(_ from: String, to: String) async throws(SFTPError) {
        try await request(.rename(from: from, to: to)).expectOK("rename \(from) to \(to)")
    }

    /// `posix-rename@openssh.com`: rename(2) semantics, replacing `to` atomically. Check `supports(_:)` first.
    public func posixRename(_ from: String, to: String) async throws(SFTPError) {
        var data = ByteBuffer()
        data.writeSSHString(from)
        data.writeSSHString(to)
        try await request(.extended(name: "posix-rename@openssh.com", data: data)).expectOK("posix-rename \(from) to \(to)")
    }

    /// `fsync@openssh.com`: fsync(2) on the server's file. Check `supports(_:)` first.
    public func fsync(_ handle: SFTPHandle) async throws(SFTPError) {
        var data = ByteBuffer()
        data.writeSSHBytes(handle.bytes)
        try await request(.extended(name: "fsync@openssh.com", data: data)).expectOK("fsync")
    }

    public func realpath(_ path: String) async throws(SFTPError) -> String {
        let names = try await request(.realpath(path: path)).expectNames("realpath \(path)")
        guard names.count == 1, let name = names.first else {
            throw SFTPError(.unexpectedResponse, "realpath \(path): \(names.count) names instead of one")
        }
        return name.filename
    }

    /// All entries of a directory (OPENDIR, READDIR until EOF, CLOSE), `.` and `..` included as the server sends them.
    public func listDirectory(_ path: String) async throws(SFTPError) -> [SFTPNameEntry] {
        let handle = try await request(.opendir(path: path)).expectHandle("opendir \(path)")
        var entries: [SFTPNameEntry] = []
        do throws(SFTPError) {
            while true {
                let response = try await request(.readdir(handle))
                if case .status(let status) = response, status.code == .eof { break }
                entries += try response.expectNames("readdir \(path)")
            }
        } catch {
            try? await close(handle)
            throw error
        }
        try await close(handle)
        return entries
    }

    /// Creates `path` and any missing parents, like `mkdir -p`. Existing directories are fine; an existing
    /// non-directory is an error.
    public func makeDirectories(_ path: String, attributes: SFTPAttributes = .none) async throws(SFTPError) {
        if let existing = try await statIfExists(path) {
            guard existing.isDirectory else { throw SFTPError(.status, "\(path) exists and is not a directory", status: .failure) }
            return
        }
        let absolute = path.hasPrefix("/")
        var prefix = absolute ? "" : "."
        for component in path.split(separator: "/") where !component.isEmpty {
            prefix += "/\(component)"
            if let existing = try await statIfExists(prefix) {
                guard existing.isDirectory else { throw SFTPError(.status, "\(prefix) exists and is not a directory", status: .failure) }
                continue
            }
            do throws(SFTPError) {
                try await mkdir(prefix, attributes: attributes)
            } catch {
                // Another writer may have created it between our stat and mkdir; only a directory there is fine.
                guard let raced = try await statIfExists(prefix), raced.isDirectory else { throw error }
            }
        }
    }
}

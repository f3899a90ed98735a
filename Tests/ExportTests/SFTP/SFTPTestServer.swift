import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A private OpenSSH sshd on 127.0.0.1 with its own config, host key and authorized key in a temp directory, serving
/// `internal-sftp` to a dedicated local user (created on first use; tests run as root in CI).
///
/// `SIPSWARM_SSHD` overrides the binary (default /usr/sbin/sshd), `SIPSWARM_SFTP_USER` the user.
final class SFTPTestServer: @unchecked Sendable {
    // @unchecked: `pid` is only touched by the test that owns the server, one call at a time.
    static let sshd = ProcessInfo.processInfo.environment["SIPSWARM_SSHD"] ?? "/usr/sbin/sshd"
    static let user = ProcessInfo.processInfo.environment["SIPSWARM_SFTP_USER"] ?? "sipswarm-sftp"

    let directory: String
    let port: Int
    /// Where uploads land (owned by the test user); use as `remote_dir`.
    let remoteDirectory: String
    let clientKey: String
    let knownHosts: String
    let password: String
    private var pid: pid_t?

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.sshd) else {
            throw SetupError(
                description: "sshd not found at \(Self.sshd): the SFTP integration tests need a real OpenSSH server; install it with `apt-get install -y --no-install-recommends openssh-server` (scripts/install does)"
            )
        }
        directory = NSTemporaryDirectory() + "sipswarm-sftp-" + UUID().uuidString
        remoteDirectory = directory + "/remote"
        clientKey = directory + "/client_ed25519"
        knownHosts = directory + "/known_hosts"
        password = try Self.testPassword()
        port = try Self.nextFreePort()
        try FileManager.default.createDirectory(atPath: remoteDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        try Self.ensureUser(password: password)
        try shell("/usr/bin/chown", [Self.user, remoteDirectory])
        try shell("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "sipswarm-test-host", "-f", directory + "/host_ed25519"])
        try shell("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "sipswarm-test-client", "-f", clientKey])
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: directory + "/authorized_keys")
        let hostPublic = try String(contentsOfFile: directory + "/host_ed25519.pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        try "[127.0.0.1]:\(port) \(hostPublic)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        try shell(Self.sshd, ["-t", "-f", directory + "/sshd_config"])
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private var config: String {
        """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(directory)/host_ed25519
        PidFile \(directory)/sshd.pid
        UsePAM no
        StrictModes no
        PermitRootLogin no
        PubkeyAuthentication yes
        PasswordAuthentication yes
        KbdInteractiveAuthentication no
        AuthorizedKeysFile \(directory)/authorized_keys
        AllowUsers \(Self.user)
        Subsystem sftp internal-sftp
        LogLevel VERBOSE

        """
    }

    /// Starts sshd in the foreground and waits until it accepts TCP connections.
    func start() async throws {
        if await Self.accepts(port: port) { throw SetupError(description: "port \(port) is already taken") }
        let pid = try SFTPTestProcess.spawn(Self.sshd, ["-D", "-e", "-f", directory + "/sshd_config"], logPath: directory + "/sshd.log")
        self.pid = pid
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if SFTPTestProcess.hasExited(pid) {
                self.pid = nil
                throw SetupError(description: "sshd exited at start; log:\n\(log)")
            }
            if await Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SetupError(description: "sshd did not listen on \(port) within 30 s; log:\n\(log)")
    }

    /// Kills sshd and every session process it forked (SIGKILL: a crash, not a goodbye).
    func stop() {
        guard let pid else { return }
        for child in Self.descendants(of: pid) { kill(child, SIGKILL) }
        kill(pid, SIGKILL)
        SFTPTestProcess.wait(pid)
        self.pid = nil
    }

    var log: String { (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? "" }

    private static func accepts(port: Int) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }

    /// Ports handed out in this process, in turn from a random start: several servers run at once, and two picking
    /// the same random port made one fail with "already taken". A port something else holds is skipped.
    private static let portCursor = Mutex(Int.random(in: 0..<100))

    private static func nextFreePort() throws -> Int {
        for _ in 0..<100 {
            let port = 27500 + portCursor.withLock { cursor in
                defer { cursor = (cursor + 1) % 100 }
                return cursor
            }
            if canBind(port: port) { return port }
        }
        throw SetupError(description: "no free port in 27500-27599 for sshd")
    }

    /// Whether 127.0.0.1:`port` can be bound right now (the socket is closed again at once).
    private static func canBind(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    private static func ensureUser(password: String) throws {
        if (try? shell("/usr/bin/id", ["-u", user])) == nil {
            guard getuid() == 0 else {
                throw SetupError(description: "test user \(user) does not exist and only root can create it (tests run as root in CI)")
            }
            try shell("/usr/sbin/useradd", ["-m", "-s", "/bin/sh", user])
        }
        // Setting a password also unlocks the account, which sshd requires even for key login.
        try shell("/usr/sbin/chpasswd", [], input: "\(user):\(password)\n")
    }

    /// A random password made once per machine and kept root-only, so that concurrent test runs agree on it.
    private static func testPassword() throws -> String {
        let path = "/var/tmp/sipswarm-sftp-test-password"
        if let stored = try? String(contentsOfFile: path, encoding: .utf8), !stored.isEmpty { return stored }
        let fresh = "pw-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: path, contents: Data(fresh.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SetupError(description: "cannot write \(path)")
        }
        return fresh
    }

    /// procfs files report size 0, which makes Foundation's whole-file readers return nothing: read them with read(2).
    private static func readProcFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 1024)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    /// All processes below `root`, children first found by their parent id in /proc.
    private static func descendants(of root: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = readProcFile("/proc/\(entry)/stat"),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after the command name: state, ppid, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = Int32(fields[1]) { parents[pid] = ppid }
        }
        var result: [Int32] = []
        var frontier = [root]
        while let next = frontier.popLast() {
            let children = parents.filter { $0.value == next }.map(\.key)
            result += children
            frontier += children
        }
        return result
    }
}

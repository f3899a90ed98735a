import Foundation
import Glibc
import Testing

extension Integration {
    /// Issue 4, bad input: a data directory on a full or read-only file system refuses the start
    /// with one clear line (a node that cannot record must not carry traffic).
    @Suite struct BadFileSystemAtStartTests {
        @Test(
            "a full file system refuses the start, also for a data directory that already has records",
            .enabled(if: SmallTmpfs.canMount, "cannot mount a tmpfs here (needs root): skipped")
        )
        func fullFileSystemRefusesTheStart() async throws {
            let directory = try TemporaryDirectory(prefix: "full-fs")
            let mountPoint = directory.url.appendingPathComponent("fs").path
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            try #require(SmallTmpfs.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]) == 0)
            defer { SmallTmpfs.run("/bin/umount", ["-l", mountPoint]) }
            let data = mountPoint + "/data"

            // A first, healthy start leaves keys, chains and a checkpoint behind.
            let healthy = try await startAndStop(data: data, in: directory, name: "healthy")
            #expect(healthy == 0)
            #expect(SmallTmpfs.fill(mountPoint + "/filler") > 0)

            let (code, line) = try await refusedStart(data: data, in: directory, name: "full")
            #expect(code != 0)
            #expect(line.contains("No space left on device"), "\(line)")
            #expect(line.contains(data), "\(line)")
        }

        @Test(
            "a read-only file system refuses the start",
            .enabled(if: SmallTmpfs.canMount, "cannot mount a tmpfs here (needs root): skipped")
        )
        func readOnlyFileSystemRefusesTheStart() async throws {
            let directory = try TemporaryDirectory(prefix: "ro-fs")
            let mountPoint = directory.url.appendingPathComponent("fs").path
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            try #require(SmallTmpfs.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]) == 0)
            defer { SmallTmpfs.run("/bin/umount", ["-l", mountPoint]) }
            try FileManager.default.createDirectory(atPath: mountPoint + "/data", withIntermediateDirectories: true)
            try #require(SmallTmpfs.run("/bin/mount", ["-o", "remount,ro", mountPoint]) == 0)

            let (code, line) = try await refusedStart(data: mountPoint + "/data", in: directory, name: "readonly")
            #expect(code != 0)
            #expect(line.contains("Read-only file system"), "\(line)")
        }

        private func config(data: String, in directory: TemporaryDirectory) throws -> String {
            let path = directory.file("node.toml").path
            try NodeConfig(sipPort: Ports.restriction + 60, providers: [.init(id: "p1", port: Ports.restriction + 61, priority: 1)])
                .toml(dataDirectory: data)
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        private func startAndStop(data: String, in directory: TemporaryDirectory, name: String) async throws -> Int32? {
            let node = try NodeProcess.launch(configPath: try config(data: data, in: directory), dataDirectory: data, in: directory, processName: name)
            // Long enough to recover, write its start records and a checkpoint; then a graceful stop.
            try await Task.sleep(for: .seconds(2))
            node.signal(SIGTERM)
            return await node.waitForExit(timeout: .seconds(15))
        }

        /// Launches the node expecting it to refuse; returns its exit code and last stderr line.
        private func refusedStart(data: String, in directory: TemporaryDirectory, name: String) async throws -> (Int32, String) {
            let node = try NodeProcess.launch(configPath: try config(data: data, in: directory), dataDirectory: data, in: directory, processName: name)
            let exitCode = await node.waitForExit(timeout: .seconds(10))
            if exitCode == nil { await node.terminate(grace: .seconds(5)) }
            let code = try #require(exitCode, "node still running 10 s after a bad start:\n\(node.stderrTail())")
            let line = node.stderr.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
            return (code, line)
        }
    }
}

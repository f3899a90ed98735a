#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Reads the configuration file with POSIX calls so that failures carry the plain
// strerror text ("No such file or directory") instead of a localized Foundation sentence.
enum ConfigurationFileReader {
    static func contents(ofPath path: String, maxBytes: Int) throws(ConfigurationError) -> String {
        func failure(_ reason: String) -> ConfigurationError {
            ConfigurationError(.unreadableFile, configurationFile: path, location: "", reason: reason)
        }
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw failure("not a valid file path")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw failure("cannot open configuration file: \(Self.lastError())")
        }
        defer { close(fd) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read configuration file: \(Self.lastError())")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maxBytes else {
                throw failure("configuration file is larger than \(maxBytes) bytes")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw failure("configuration file is not valid UTF-8")
        }
        return text
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

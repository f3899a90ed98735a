#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A witness file or evidence file that could not be read or written.
public struct AuditStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A system call failed (the reason carries errno's text).
        public static let io = Code("io")
        /// A file is larger than any the node writes.
        public static let tooLarge = Code("tooLarge")
        /// A file is not what the node writes (not canonical JSON, wrong members).
        public static let malformed = Code("malformed")
    }

    public let code: Code
    public let reason: String
    public let file: String
    public let line: Int

    init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    static func posix(_ what: String, file: String = #fileID, line: Int = #line) -> AuditStoreError {
        let code = errno
        return AuditStoreError(.io, "\(what): \(String(cString: strerror(code)))", file: file, line: line)
    }

    public var description: String { "\(code): \(reason)" }
}

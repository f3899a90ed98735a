import ArgumentParser
import Foundation

/// Prints one clear line to stderr and exits non-zero: what scripts and operators get on bad input.
enum CommandLineFailure {
    static func exit(_ line: String) -> ExitCode {
        FileHandle.standardError.write(Data("sipswarm: error: \(line)\n".utf8))
        return ExitCode(1)
    }
}

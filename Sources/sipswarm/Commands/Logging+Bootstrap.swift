import ArgumentParser
import Logging

enum LogSetup {
    /// stderr logging at the requested level, set up once per process.
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "sipswarm")
        logger.logLevel = level
        return logger
    }
}


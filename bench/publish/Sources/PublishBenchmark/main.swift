import Foundation
import Logging

// publish-bench MODE ARGS…, one JSON result line on standard output per run (run.sh drives it):
//   write DATA N                               N calls through a JSONLinesRecordSink into DATA
//   publisher DATA URL STREAM IN_FLIGHT [READ_AHEAD]   the node's StreamPublisher + JetStreamBackend
//   null DATA IN_FLIGHT [READ_AHEAD]            the same publisher over a backend that acks at once
//   backend DATA URL STREAM IN_FLIGHT BATCH     JetStreamBackend alone on in-memory batches
//   raw DATA URL STREAM IN_FLIGHT               JetStream.publish of the same bodies, IN_FLIGHT always pending
//   cursor DATA COUNT                           CursorFile.store COUNT times
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}

let arguments = Array(CommandLine.arguments.dropFirst())

func argument(_ index: Int) -> String? {
    index < arguments.count ? arguments[index] : nil
}

func number(_ index: Int) -> Int? {
    argument(index).flatMap { Int($0) }
}

do {
    switch (argument(0), argument(1)) {
    case ("write", let data?):
        try writeChain(dataDirectory: data, count: number(2) ?? 50_000)
    case ("publisher", let data?):
        guard let url = argument(2), let stream = argument(3), let inFlight = number(4) else { throw BenchFailure(description: "publisher DATA URL STREAM IN_FLIGHT [READ_AHEAD]") }
        try await runPublisher(dataDirectory: data, url: url, stream: stream, maxInFlight: inFlight, readAhead: number(5))
    case ("null", let data?):
        guard let inFlight = number(2) else { throw BenchFailure(description: "null DATA IN_FLIGHT [READ_AHEAD]") }
        try await runPublisher(dataDirectory: data, url: nil, stream: "NULL_\(inFlight)_\(UInt32.random(in: 0 ... .max))", maxInFlight: inFlight, readAhead: number(3))
    case ("backend", let data?):
        guard let url = argument(2), let stream = argument(3), let inFlight = number(4), let batch = number(5) else { throw BenchFailure(description: "backend DATA URL STREAM IN_FLIGHT BATCH") }
        try await runBackend(dataDirectory: data, url: url, stream: stream, maxInFlight: inFlight, batch: batch)
    case ("raw", let data?):
        guard let url = argument(2), let stream = argument(3), let inFlight = number(4) else { throw BenchFailure(description: "raw DATA URL STREAM IN_FLIGHT") }
        try await runRaw(dataDirectory: data, url: url, stream: stream, inFlight: inFlight)
    case ("cursor", let data?):
        try runCursor(dataDirectory: data, count: number(2) ?? 100)
    default:
        throw BenchFailure(description: "usage: publish-bench write|publisher|null|backend|raw|cursor DATA …")
    }
} catch {
    log("\(error)")
    exit(1)
}

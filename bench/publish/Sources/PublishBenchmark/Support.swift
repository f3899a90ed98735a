import Foundation
import NATS
import NIOCore

/// The node id, chain and subjects every mode uses: the node's defaults for the `cdr` stream.
enum Bench {
    static let nodeID = "bench"
    static let kind = "cdr"
    static let subject = "sipswarm.\(nodeID).cdr"
    static let streamSubjects = ["sipswarm.*.cdr"]
    static let duplicateWindow = Duration.seconds(600)
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// One result line on standard output (JSON, keys sorted); `run.sh` collects them and `report.py` reads them.
func printResult(_ fields: [String: any Sendable]) {
    guard
        let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]),
        let line = String(data: data, encoding: .utf8)
    else {
        FileHandle.standardError.write(Data("cannot encode a result: \(fields)\n".utf8))
        return
    }
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func log(_ text: String) {
    FileHandle.standardError.write(Data("publish-bench: \(text)\n".utf8))
}

func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}

/// The `cdr` chain's lines (without `\n`) in `seq` order, files ordered by the `seq` of their first line, each with
/// its message id `<node>.cdr.<seq>`. Read once, outside every timing.
struct ChainBodies: Sendable {
    let bodies: [[UInt8]]
    let messageIDs: [String]

    var count: Int { bodies.count }
    var totalBytes: Int { bodies.reduce(0) { $0 + $1.count } }

    static func read(dataDirectory: String) throws -> ChainBodies {
        let directory = dataDirectory + "/" + Bench.kind
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }
        var files: [(first: UInt64, lines: [[UInt8]])] = []
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                throw BenchFailure(description: "cannot read \(directory)/\(name)")
            }
            let lines = data.split(separator: UInt8(ascii: "\n")).map { Array($0) }
            guard let first = lines.first else { continue }
            files.append((try seq(of: first), lines))
        }
        var bodies: [[UInt8]] = []
        var ids: [String] = []
        for file in files.sorted(by: { $0.first < $1.first }) {
            for line in file.lines {
                let seq = try seq(of: line)
                guard seq == UInt64(bodies.count + 1) else {
                    throw BenchFailure(description: "chain seq \(seq) where \(bodies.count + 1) was expected")
                }
                bodies.append(line)
                ids.append("\(Bench.nodeID).\(Bench.kind).\(seq)")
            }
        }
        return ChainBodies(bodies: bodies, messageIDs: ids)
    }

    private static func seq(of line: [UInt8]) throws -> UInt64 {
        guard
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let number = object["seq"] as? NSNumber
        else {
            throw BenchFailure(description: "a chain line without seq")
        }
        return number.uint64Value
    }
}

/// The stream as `JetStreamBackend.ensure()` creates it: file storage, one replica, limits retention, the
/// node's subjects and duplicate window.
func nodeStreamConfig(_ name: String) -> StreamConfig {
    var config = StreamConfig(name: name, subjects: Bench.streamSubjects)
    config.storage = .file
    config.duplicateWindow = Bench.duplicateWindow
    config.numReplicas = 1
    return config
}

/// How many messages `stream` holds; then deletes it (so the next run can take the same subjects).
func countAndDelete(stream: String, url: String) async throws -> UInt64 {
    let client = try await NATSClient.connect(urls: [url])
    let jetStream = JetStream(client: client, timeout: .seconds(30))
    let messages = try await jetStream.streamInfo(stream).state.messages
    _ = try await client.request("$JS.API.STREAM.DELETE.\(stream)", timeout: .seconds(30))
    await client.close()
    return messages
}

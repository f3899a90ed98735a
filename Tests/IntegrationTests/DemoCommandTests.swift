import Foundation
import Testing

extension Integration {
    /// `sipswarm demo` is the main job a new user runs: node, simulated carriers, real SIP over
    /// loopback, then a summary whose checks (one CDR per call, ledger verified) must pass.
    @Suite("sipswarm demo")
    struct DemoCommandTests {
        @Test
        func demoRecordsEveryCallAndVerifiesItsLedger() async throws {
            let directory = try TemporaryDirectory(prefix: "demo")
            let dataDirectory = directory.file("data").path
            let demo = try ChildProcess(
                name: "demo",
                executable: TestEnvironment.sipswarmBinary,
                arguments: ["demo", "--calls", "60", "--rate", "60", "--reject-every", "4", "--cancel-every", "10", "--data-dir", dataDirectory],
                directory: directory.url
            )
            let exit = await demo.waitForExit(timeout: .seconds(90))
            let output = demo.stdout
            #expect(exit == 0, "demo exit \(String(describing: exit)):\n\(output)\n\(demo.stderrTail())")
            #expect(output.contains("calls placed      60"), "\(output)")
            #expect(output.contains("cancelled 6"), "\(output)")
            #expect(output.contains("(15 failed over to the next provider)"), "\(output)")
            #expect(output.contains("check             OK"), "\(output)")
            #expect(output.contains("ledger            OK"), "\(output)")

            // The directory it names holds exactly one CDR line per call.
            let cdrFolder = dataDirectory + "/cdr"
            let files = try FileManager.default.contentsOfDirectory(atPath: cdrFolder).filter { $0.hasSuffix(".jsonl") }
            let lines = try files.reduce(0) { count, file in
                count + (try String(contentsOfFile: cdrFolder + "/" + file, encoding: .utf8)).split(separator: "\n").count
            }
            #expect(lines == 60)
        }
    }
}

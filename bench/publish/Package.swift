// swift-tools-version: 6.1
// Publishing benchmark (issue 6): acknowledged CDRs/s of the node's stream publisher (StreamPublisher over
// JetStreamBackend, wired as `sipswarm serve` wires it) against a local `nats-server -js`, next to the ceiling of
// the same server in the same run. A package of its own so the main build and CI never compile it.
// Run: bench/publish/run.sh
import PackageDescription

let package = Package(
    name: "PublishBenchmark",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name (which a clone may change).
        .package(name: "SIPswarm", path: "../.."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "PublishBenchmark",
            dependencies: [
                .product(name: "Streaming", package: "SIPswarm"),
                .product(name: "RecordStore", package: "SIPswarm"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PublishBenchmark",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

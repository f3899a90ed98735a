// swift-tools-version: 6.1
// CDR pipeline micro-benchmarks (issue 9): what the record writer does per record (canonical JSON, hash chain seal,
// Merkle append) next to raw SHA-256 over the same line bytes, and SIP parser messages/s on realistic messages.
// A package of its own so the main build and CI never compile the benchmark framework. Run: bench/pipeline/run.sh
import PackageDescription

let package = Package(
    name: "PipelineBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name (which a clone may change).
        .package(name: "SIPswarm", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        // The raw SHA-256 baseline (the same BoringSSL the ledger hashes with) and ByteBuffer for the parser input;
        // resolved to the versions the main package uses.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "PipelineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RecordStore", package: "SIPswarm"),
                .product(name: "Ledger", package: "SIPswarm"),
                .product(name: "SIPCore", package: "SIPswarm"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/PipelineBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

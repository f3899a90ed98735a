// swift-tools-version: 6.1
// Record store benchmarks (issue 4): records/s through the store and writer with an fsync per harvest cycle,
// next to this machine's raw fsync rate, and the rotation swap latency. A package of its own so the main build
// and CI never compile the benchmark framework. Run: bench/recordstore/run.sh
import PackageDescription

let package = Package(
    name: "RecordStoreBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name (which a clone may change).
        .package(name: "SIPswarm", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RecordStoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RecordStore", package: "SIPswarm"),
            ],
            path: "Benchmarks/RecordStoreBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)

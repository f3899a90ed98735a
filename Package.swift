// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SIPswarm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sipswarm", targets: ["sipswarm"]),
        // For the benchmark package under bench/ (kept out of the main build and CI).
        .library(name: "RecordStore", targets: ["RecordStore", "Records"]),
        // For bench/publish: the stream publishers and the NATS client.
        .library(name: "Streaming", targets: ["MQAL", "NATS"]),
        // For bench/pipeline: the chain and Merkle tree, and the SIP parser.
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "SIPCore", targets: ["SIPCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssh", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Message model, parser and serializer. No I/O.
        .target(
            name: "SIPCore",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // RFC 3261 transaction state machines: events in, actions out, injected clock.
        .target(name: "SIPTransaction", dependencies: ["SIPCore"]),
        // sendmmsg(2), which Swift's Glibc module does not import: one system call for a loop tick's datagrams.
        .target(name: "CDatagramBatch"),
        // UDP and TCP channels, stream framing, connection reuse.
        .target(
            name: "SIPTransport",
            dependencies: [
                "SIPCore",
                "CDatagramBatch",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // getrandom(2) in bulk, which Swift's Glibc module does not import (record ids draw from it).
        .target(name: "CSystemRandom"),
        // Immutable record value types (CDR, attempt, message) and their encoding.
        .target(name: "Records", dependencies: ["CSystemRandom"]),
        // Hash chains, RFC 9162 Merkle trees and proofs, signed checkpoints, verification.
        .target(
            name: "Ledger",
            dependencies: ["Records", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // NATS wire protocol and JetStream API on SwiftNIO (no Swift NATS client exists here).
        .target(
            name: "NATS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Rate decks, exact money, longest-prefix match, LCR scoring. Pure logic, no I/O but reading decks.
        .target(
            name: "Rating",
            dependencies: [.product(name: "SwiftCSV", package: "SwiftCSV")]
        ),
        // Emitted records to fsync'd disk: the single chain writer, recovery, record sinks.
        .target(
            name: "RecordStore",
            dependencies: ["Records", "Ledger"]
        ),
        // Message Queue Abstraction Layer: per-stream backends (local directory, NATS JetStream) and the publishers
        // that stream durable records out at least once.
        .target(
            name: "MQAL",
            dependencies: [
                "Records", "Ledger", "RecordStore", "NATS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // SFTP v3 client over SSH (swift-nio-ssh): no Swift SFTP package exists here.
        .target(
            name: "SFTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Closed record files to long-term storage: durable retry queue, local, S3, Azure Blob, GCS, SFTP exporters.
        .target(
            name: "Export",
            dependencies: [
                "Records", "RecordStore", "SFTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Sessions (B2BUA), routing, CdrBuilder, configuration model.
        .target(
            name: "Node",
            dependencies: [
                "SIPCore", "SIPTransaction", "SIPTransport", "Records", "Ledger", "RecordStore", "Rating",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // CLI: serve, demo; TOML configuration loading.
        .executableTarget(
            name: "sipswarm",
            dependencies: [
                "Node", "SIPCore", "Records", "Ledger", "RecordStore", "MQAL", "NATS", "Rating", "Export",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Scratch folders for the tests, swept when the test process that made them is gone.
        .target(name: "TestScratch", path: "Tests/TestScratch"),
        .testTarget(
            name: "SIPCoreTests",
            dependencies: ["SIPCore", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOTestUtils", package: "swift-nio")]
        ),
        .testTarget(name: "SIPTransactionTests", dependencies: ["SIPTransaction", "SIPCore"]),
        .testTarget(name: "RecordsTests", dependencies: ["Records"]),
        .testTarget(
            name: "NATSTests",
            dependencies: [
                "NATS", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "RatingTests", dependencies: ["Rating"]),
        .testTarget(
            name: "SFTPTests",
            dependencies: ["SFTP", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSH", package: "swift-nio-ssh"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "ExportTests",
            dependencies: [
                "Export", "SFTP", "Records", "RecordStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "MQALTests",
            dependencies: [
                "MQAL", "NATS", "RecordStore", "Records", "Ledger", "TestScratch",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "RecordStoreTests", dependencies: ["RecordStore", "Records", "Ledger", "TestScratch"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Records", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "NodeTests",
            dependencies: [
                "Node", "SIPCore", "SIPTransport", "Records", "Ledger", "RecordStore", "Rating", "TestScratch",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(name: "sipswarmTests", dependencies: ["sipswarm", "Node", "RecordStore", "Ledger", "Records", "MQAL", "Rating", "Export", "TestScratch"]),
        // Start the built `sipswarm` binary and real sipp processes on loopback.
        .testTarget(name: "IntegrationTests", dependencies: ["SIPCore", "NATS", "TestScratch", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]),
    ]
)

// The C targets take no Swift settings.
for target in package.targets where !["CDatagramBatch", "CSystemRandom"].contains(target.name) {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // Release only: every module exports its function bodies, so calls between our modules (SIPCore → Node,
    // Records → Ledger → RecordStore) are inlined and specialized like calls inside one module. Measured in
    // docs/benchmarks.md ("SIP throughput", change table). Debug builds, and so the tests' build time, are unchanged.
    settings.append(.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)))
    target.swiftSettings = settings
}

// swift-tools-version: 6.1
import PackageDescription

/// Packed relative relocations (DT_RELR, glibc >= 2.36): a process that loads
/// Swift images spends a fifth of `warden ban add` relocating them otherwise.
let fastLoadingFlags = ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"]

/// Backends export `New` and nothing else (see Backends/exports.map), so two
/// backends built from the same SDK never interpose each other's symbols, and
/// each carries its own hidden copy of the Swift runtime (`-static-stdlib`): it
/// loads into any host, whatever Swift that host was built with, and spares the
/// CLI the dynamic runtime's start-up cost.
let backendLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(fastLoadingFlags + [
        "-static-stdlib",
        "-Xlinker", "--version-script=\(Context.packageDirectory)/Backends/exports.map",
    ])
]

let package = Package(
    name: "Warden",
    products: [
        .executable(name: "warden", targets: ["warden"]),
        .executable(name: "warden-daemon", targets: ["warden-daemon"]),
        .executable(name: "warden-bench", targets: ["WardenBench"]),
        .library(name: "WardenBackendKit", targets: ["WardenBackendKit"]),
        .library(name: "WardenTesting", targets: ["WardenTesting"]),
        .library(name: "warden-backend-dummy", type: .dynamic, targets: ["DummyBackend"]),
        .library(name: "warden-backend-sqlite", type: .dynamic, targets: ["SQLiteBackend"]),
        .library(name: "warden-backend-mysql", type: .dynamic, targets: ["MySQLBackend"]),
        .library(name: "warden-backend-postgresql", type: .dynamic, targets: ["PostgreSQLBackend"]),
        // The modules that read outside input, for the fuzz package (Fuzz/Package.swift) to link.
        .library(name: "WardenAlerts", targets: ["WardenAlerts"]),
        .library(name: "WardenExpr", targets: ["WardenExpr"]),
        .library(name: "WardenProfiles", targets: ["WardenProfiles"]),
        .library(name: "WardenTemplate", targets: ["WardenTemplate"]),
        .library(name: "WardenConfig", targets: ["WardenConfig"]),
        .library(name: "WardenAllowlist", targets: ["WardenAllowlist"]),
        .library(name: "WardenBouncers", targets: ["WardenBouncers"]),
        .library(name: "WardenMachines", targets: ["WardenMachines"]),
        .library(name: "WardenMetricNames", targets: ["WardenMetricNames"]),
        .library(name: "WardenCLI", targets: ["WardenCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // The ABI: one C header, nothing else.
        .target(name: "CWardenBackend"),
        // System C libraries.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "CPostgreSQL", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // What both sides of the ABI share: Go durations, ABI strings.
        .target(name: "WardenBasics", dependencies: ["CWardenBackend"]),
        // The Swift SDK for writing a backend.
        .target(name: "WardenBackendKit", dependencies: ["CWardenBackend", "WardenBasics"]),

        // Value types of the domain: addresses, targets, bans, queries, error categories. No C, no logging.
        .target(name: "WardenModel", dependencies: ["WardenBasics"]),
        // CrowdSec's alert model as on the wire (agents and cscli push it): value types, LAPI's validation.
        .target(name: "WardenAlerts", dependencies: ["WardenBasics"]),
        // The decisions a Local API answers bouncers from: in-memory index, change feed, LAPI JSON.
        .target(name: "WardenDecisions", dependencies: ["WardenBasics", "WardenModel"]),
        // Go's text/template with sprig's functions, for notification formats. Imports no Warden module.
        .target(name: "WardenTemplate"),
        // Metric names and labels, defined once, and a reader of Prometheus text. No dependencies: the CLI uses it.
        .target(name: "WardenMetricNames"),
        // The daemon's metrics: swift-metrics handles on a Prometheus registry, and its text exposition.
        .target(
            name: "WardenMetrics",
            dependencies: [
                "WardenMetricNames",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Configuration files: YAML (libyaml), the main config, backend files.
        .target(name: "WardenConfig", dependencies: ["CYAML", "WardenBasics", "WardenModel"]),
        // The loader: dlopen, checks, one LoadedBackend per instance, host services, signal encoding.
        .target(
            name: "WardenBackendHost",
            dependencies: [
                "CWardenBackend", "WardenBasics", "WardenModel", "WardenConfig",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Every loaded backend as one store: fan-out, merge, per-backend outcomes.
        .target(
            name: "WardenStore",
            dependencies: [
                "WardenBasics", "WardenModel", "WardenConfig", "WardenBackendHost", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Bouncer API keys: the keys file the CLI edits and the daemon reads (SHA-512 digests only).
        .target(
            name: "WardenBouncers",
            dependencies: ["WardenBasics", "WardenModel", "WardenConfig", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Machines (agents, cscli): the machines file (bcrypt only), their tokens (HS256), credentials files.
        // No NIO, no Foundation: the CLI links it (HummingbirdBcrypt is C bcrypt and nothing else).
        .target(
            name: "WardenMachines",
            dependencies: [
                "WardenBasics", "WardenModel", "WardenConfig",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The allowlist: what no path may ban, its file, and the daemon's live copy. No NIO.
        .target(
            name: "WardenAllowlist",
            dependencies: ["WardenModel", "WardenConfig", .product(name: "Logging", package: "swift-log")]
        ),
        // The application core: every rule of a ban (ban, import, alerts, deletes, simulation, the
        // allowlist on the write path, signals, which backend answers reads and ids, the decision
        // book and its freshness, history). No NIO, no Hummingbird, no Foundation: the CLI links it.
        .target(
            name: "WardenEngine",
            dependencies: [
                "WardenBasics", "WardenModel", "WardenConfig", "WardenStore", "WardenAllowlist", "WardenAlerts",
                "WardenDecisions", "WardenProfiles", "WardenBouncers", "WardenMachines",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The command line, as a library so tests can run commands in-process.
        .target(
            name: "WardenCLI",
            dependencies: [
                "WardenBasics", "WardenModel", "WardenConfig", "WardenStore", "WardenEngine", "WardenBouncers",
                "WardenMachines", "WardenAllowlist", "WardenMetricNames",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "warden", dependencies: ["WardenCLI"], linkerSettings: [.unsafeFlags(fastLoadingFlags)]),
        // CrowdSec's expression language (antonmedv/expr as CrowdSec 1.4.6 uses it). Imports no Warden module.
        .target(name: "WardenExpr"),
        // profiles.yaml compiled with WardenExpr: an alert in, its decisions and notification routes out.
        .target(
            name: "WardenProfiles",
            dependencies: [
                "WardenExpr", "WardenAlerts", "WardenConfig", "WardenBasics", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // TLS client certificates as CrowdSec reads them: OU, validity, revocation list; the CN names the client.
        .target(
            name: "WardenCertificates",
            dependencies: [
                "WardenConfig",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The Local API: routes, auth, wire shapes, and the engine's errors as HTTP. Nothing else.
        .target(
            name: "WardenAPI",
            dependencies: [
                "WardenBasics", "WardenModel", "WardenEngine", "WardenStore", "WardenDecisions",
                "WardenMetrics", "WardenMetricNames", "WardenAlerts", "WardenMachines", "WardenAllowlist", "WardenConfig",
                "WardenCertificates",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Notifications: CrowdSec's plugins driven over go-plugin's gRPC, batched, retried, supervised.
        .target(
            name: "WardenNotify",
            dependencies: [
                "WardenBasics", "WardenModel", "WardenConfig", "WardenTemplate",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon's composition root: config, store, API and background work in one service group.
        .target(
            name: "WardenDaemon",
            dependencies: [
                "WardenAPI", "WardenEngine", "WardenBasics", "WardenModel", "WardenConfig", "WardenStore",
                "WardenAllowlist", "WardenDecisions", "WardenMetrics", "WardenMetricNames", "WardenAlerts",
                "WardenProfiles", "WardenNotify", "WardenCertificates", "WardenBouncers", "WardenMachines",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `warden run` hands over to this executable, so the CLI never loads NIO.
        .executableTarget(
            name: "warden-daemon",
            dependencies: [
                "WardenDaemon", "WardenModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The benchmark program: backends through the ABI against raw C, in one run.
        .executableTarget(
            name: "WardenBench",
            dependencies: [
                "WardenBasics", "WardenModel", "WardenConfig", "WardenBackendHost", "WardenStore", "WardenEngine",
                "WardenDecisions", "WardenTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The conformance suite every backend passes.
        .target(
            name: "WardenTesting",
            dependencies: [
                "CWardenBackend", "WardenModel", "WardenConfig", "WardenBackendHost", "WardenStore",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Backends shipped with Warden.
        .target(
            name: "DummyBackend",
            dependencies: ["WardenBackendKit", "CWardenBackend"],
            path: "Backends/dummy/Sources",
            linkerSettings: backendLinkerSettings
        ),

        .target(
            name: "SQLiteBackend",
            dependencies: ["WardenBackendKit", "CWardenBackend", "CSQLite"],
            path: "Backends/sqlite/Sources",
            linkerSettings: backendLinkerSettings
        ),

        .target(
            name: "MySQLBackend",
            dependencies: ["WardenBackendKit", "CWardenBackend", "CMariaDB"],
            path: "Backends/mysql/Sources",
            linkerSettings: backendLinkerSettings
        ),

        .target(
            name: "PostgreSQLBackend",
            dependencies: ["WardenBackendKit", "CWardenBackend", "CPostgreSQL"],
            path: "Backends/postgresql/Sources",
            linkerSettings: backendLinkerSettings
        ),

        // Helpers the test targets share: C fixtures built with cc, a private MariaDB server.
        .target(name: "WardenTestSupport", dependencies: ["WardenConfig"], path: "Tests/TestSupport"),

        // One test target per module, named after it.
        .testTarget(name: "WardenModelTests", dependencies: ["WardenModel", "WardenBasics", "WardenStore"]),
        .testTarget(
            name: "WardenConfigTests",
            dependencies: [
                "WardenConfig", "WardenAllowlist", "WardenBackendHost", "WardenStore", "WardenTesting", "WardenTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "WardenCertificatesTests", dependencies: ["WardenCertificates", "WardenConfig"]),
        .testTarget(name: "WardenAllowlistTests", dependencies: ["WardenAllowlist", "WardenModel", "WardenTesting"]),
        // The loader and the C header: dlopen, the ABI's checks and arrays, the examples in C, C++ and Rust.
        .testTarget(
            name: "WardenBackendHostTests",
            dependencies: [
                "CWardenBackend", "CSQLite", "WardenBackendHost", "WardenConfig", "WardenModel", "WardenStore",
                "WardenTesting", "WardenTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The backends in Backends/ (SQLite, MySQL, dummy) through the ABI: conformance, crashes, faults.
        .testTarget(
            name: "BackendsTests",
            dependencies: [
                "CWardenBackend", "CSQLite", "WardenBackendHost", "WardenConfig", "WardenModel", "WardenStore", "WardenEngine",
                "WardenTesting", "WardenTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "WardenStoreTests",
            dependencies: [
                "WardenStore", "WardenBackendHost", "WardenConfig", "WardenModel", "WardenTesting", "WardenTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "WardenEngineTests",
            dependencies: [
                "WardenEngine", "WardenStore", "WardenBackendHost", "WardenAlerts", "WardenAllowlist", "WardenConfig", "WardenDecisions",
                "WardenMachines", "WardenBouncers", "WardenModel", "WardenProfiles", "WardenTesting", "WardenTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Local API's routes in-process (HummingbirdTesting), over a real engine and SQLite.
        .testTarget(
            name: "WardenAPITests",
            dependencies: [
                "WardenAPI", "WardenEngine", "WardenStore", "WardenAllowlist", "WardenBouncers", "WardenConfig",
                "WardenMachines", "WardenMetrics", "WardenModel", "WardenTesting", "WardenTestSupport",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Black-box tests of the warden-daemon process over real sockets.
        .testTarget(name: "WardenDaemonTests", dependencies: ["WardenTesting", "WardenMetricNames"]),
        .testTarget(name: "WardenMetricsTests", dependencies: ["WardenMetrics", "WardenMetricNames"]),
        .testTarget(name: "WardenAlertsTests", dependencies: ["WardenAlerts"]),
        .testTarget(name: "WardenMachinesTests", dependencies: ["WardenMachines"]),
        .testTarget(name: "WardenDecisionsTests", dependencies: ["WardenDecisions", "WardenModel", "WardenBasics"]),
        // WardenExpr against CrowdSec's own engine (Debian's expr, built from Tests/support/oracles/expr).
        .testTarget(name: "WardenExprTests", dependencies: ["WardenExpr"]),
        .testTarget(
            name: "WardenProfilesTests",
            dependencies: [
                "WardenProfiles", "WardenExpr", "WardenAlerts", "WardenConfig", "WardenBasics", "WardenTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The notification engine against Debian's real plugins (package crowdsec).
        .testTarget(
            name: "WardenNotifyTests",
            dependencies: ["WardenNotify", "WardenConfig", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "WardenCLITests",
            dependencies: [
                "WardenCLI", "WardenTesting", "WardenMetricNames", "CSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // WardenTemplate against Go's own engine (Tests/support/oracles/template), byte for byte.
        .testTarget(name: "WardenTemplateTests", dependencies: ["WardenTemplate"]),
        .testTarget(
            name: "WardenBenchTests",
            dependencies: [
                "WardenBench", "WardenConfig", "WardenModel", "WardenStore", "WardenTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

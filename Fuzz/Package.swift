// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for every parser of outside input, one executable each. Not part of
/// the root package: a fuzz target has no `main` (libFuzzer's is linked in), so it only
/// builds with `-sanitize=fuzzer` and `-parse-as-library`, which `Fuzz/run.sh` passes.
let package = Package(
    name: "WardenFuzz",
    dependencies: [
        .package(name: "Warden", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // What several targets share: a scratch file for the parsers that read a path.
        .target(name: "FuzzSupport"),
        .executableTarget(name: "fuzz-alerts", dependencies: ["FuzzSupport", .product(name: "WardenAlerts", package: "Warden")]),
        .executableTarget(name: "fuzz-gojson", dependencies: ["FuzzSupport", .product(name: "WardenMachines", package: "Warden")]),
        .executableTarget(
            name: "fuzz-token",
            dependencies: ["FuzzSupport", .product(name: "WardenMachines", package: "Warden"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "fuzz-expr",
            dependencies: [
                "FuzzSupport", .product(name: "WardenExpr", package: "Warden"), .product(name: "WardenProfiles", package: "Warden"),
                .product(name: "WardenAlerts", package: "Warden"),
            ]
        ),
        .executableTarget(name: "fuzz-template", dependencies: ["FuzzSupport", .product(name: "WardenTemplate", package: "Warden")]),
        .executableTarget(
            name: "fuzz-yaml",
            dependencies: [
                "FuzzSupport", .product(name: "WardenConfig", package: "Warden"),
                .product(name: "WardenProfiles", package: "Warden"), .product(name: "WardenExpr", package: "Warden"),
            ]
        ),
        .executableTarget(name: "fuzz-import-csv", dependencies: ["FuzzSupport", .product(name: "WardenCLI", package: "Warden")]),
        .executableTarget(name: "fuzz-import-json", dependencies: ["FuzzSupport", .product(name: "WardenCLI", package: "Warden")]),
        .executableTarget(
            name: "fuzz-allowlist", dependencies: ["FuzzSupport", .product(name: "WardenAllowlist", package: "Warden")]),
        .executableTarget(
            name: "fuzz-bouncers", dependencies: ["FuzzSupport", .product(name: "WardenBouncers", package: "Warden")]),
        .executableTarget(
            name: "fuzz-machines", dependencies: ["FuzzSupport", .product(name: "WardenMachines", package: "Warden")]),
        .executableTarget(name: "fuzz-prometheus", dependencies: ["FuzzSupport", .product(name: "WardenMetricNames", package: "Warden")]),
    ]
)

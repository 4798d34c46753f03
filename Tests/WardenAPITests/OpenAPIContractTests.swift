import Foundation
import Hummingbird
import WardenAPI
import WardenEngine
import XCTest

/// `openapi.yaml` (at the repository's root) against the router `warden run` serves: every
/// route of ``LocalAPI/router`` has an operation in the spec, and every operation of the
/// spec is a route. Tests/api/schemathesis.sh checks the answers; this checks the list.
final class OpenAPIContractTests: XCTestCase {
    func testEveryRouteHasAnOperationAndEveryOperationARoute() async throws {
        let harness = try RouteHarness()
        // Hummingbird writes a capture as OpenAPI does: /v1/alerts/{alert_id}.
        let routes = harness.routes
        let operations = try Self.specOperations()
        XCTAssertFalse(routes.isEmpty)
        XCTAssertFalse(operations.isEmpty, "no operation read from openapi.yaml's paths")
        for route in routes.subtracting(operations).sorted() {
            XCTFail("\(route) is served by LocalAPI.router but openapi.yaml has no operation for it")
        }
        for operation in operations.subtracting(routes).sorted() {
            XCTFail("openapi.yaml describes \(operation) but LocalAPI.router has no such route")
        }
        _ = await harness.engine.shutdown()
    }

    /// The operations of `openapi.yaml`'s `paths:` as `METHOD /path`, read line by line: a
    /// path is a key indented by two spaces under `paths:`, a method a key indented by
    /// four under it (`get:`, `post: &anchor`, `put: *alias`).
    static func specOperations() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let methods: Set<String> = ["get", "head", "post", "put", "delete", "patch", "options", "trace"]
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty {
                continue
            }
            if !line.hasPrefix(" ") {
                inPaths = line.hasPrefix("paths:")
                path = nil
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   ") {
                // `  /v1/alerts:` or `  '/v1/alerts/{alert_id}':`
                var key = line.trimmingCharacters(in: .whitespaces)
                if key.hasSuffix(":") { key.removeLast() }
                key = key.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
                path = key.hasPrefix("/") ? key : nil
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard let colon = trimmed.firstIndex(of: ":") else { continue }
                let key = String(trimmed[..<colon])
                if methods.contains(key) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }
}

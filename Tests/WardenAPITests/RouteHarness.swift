import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import WardenAPI
import WardenAllowlist
import WardenBouncers
import WardenConfig
import WardenEngine
import WardenMachines
import WardenMetrics
import WardenModel
import WardenStore
import WardenTesting
import WardenTestSupport
import XCTest

/// The Local API's router over a real engine (the SQLite backend on a fresh file, workers
/// as the daemon runs them), registries and allowlist in a fresh folder: what `warden run`
/// composes, without a process or a socket. One bouncer key and one validated machine.
struct RouteHarness {
    static let bouncerKey = "route-test-bouncer-key-0123456789"
    static let machine = "route-agent"
    static let password = "route-password"

    let engine: Engine
    /// Every route the application serves, as `METHOD /path` (a capture as `{name}`).
    let routes: Set<String>
    let application: Application<RouterResponder<APIRequestContext>>
    let clock: ManualClock

    /// - Parameter allowlist: the allowlist file's text; without it, the shipped default (loopback).
    init(allowlist: String? = nil) throws {
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let folder = try CCompiler.temporaryFolder("routes")
        if let allowlist { try allowlist.write(toFile: folder + "/allowlist", atomically: true, encoding: .utf8) }
        let clock = ManualClock()
        let config = BackendConfigFile(
            name: "sqlite", libraryPath: BuildProducts.library("warden-backend-sqlite"),
            config: ["db_path": folder + "/warden.db"], file: "sqlite.yaml")
        let backend = try BanStore.load(
            config, injected: ["flush": "true"], logger: logger, clock: clock.closure, allowUnsafeFiles: true)
        let store = BanStore(
            instances: [backend], discarded: [], configs: [config], folder: folder, execution: .workers(observer: nil))
        let allowlist = try LiveAllowlist(path: folder + "/allowlist", logger: logger, clock: clock.closure)
        let engine = Engine(store: store, allowlist: allowlist, clock: clock.closure, followsStore: true, logger: logger)
        _ = try BouncerKeyFile(path: folder + "/bouncers").add(name: "firewall", key: Self.bouncerKey, now: clock.now)
        try MachineFile(path: folder + "/machines").add(
            name: Self.machine, password: Self.password, validated: true, now: clock.now)
        let router = LocalAPI.router(
            engine: engine, intake: AlertIntake(engine: engine, profiles: ProfileDecider(profiles: nil, logger: logger), logger: logger),
            bouncers: try BouncerRegistry(path: folder + "/bouncers", logger: logger),
            machines: try MachineRegistry(path: folder + "/machines", logger: logger), allowlist: allowlist,
            metrics: DaemonMetrics(), logger: logger)
        self.engine = engine
        self.clock = clock
        routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        application = Application(router: router, logger: logger)
    }

    /// The headers of the harness's bouncer.
    static let bouncerHeaders: HTTPFields = [HTTPField.Name("X-Api-Key")!: RouteHarness.bouncerKey]

    /// Logs the harness's machine in; the headers of its later requests.
    static func token(_ client: some TestClientProtocol) async throws -> HTTPFields {
        let body = #"{"machine_id":"\#(RouteHarness.machine)","password":"\#(RouteHarness.password)","scenarios":null}"#
        let answer = try await client.execute(
            uri: "/v1/watchers/login", method: .post, headers: [.userAgent: "crowdsec/v1.4.6"], body: ByteBuffer(text: body))
        XCTAssertEqual(answer.status, .ok, answer.text)
        let object = try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Any]
        let token = try XCTUnwrap(object?["token"] as? String)
        return [.authorization: "Bearer \(token)", .contentType: "application/json"]
    }

    /// Bans `address` for an hour through the engine, as `warden ban add` does.
    static func ban(_ harness: RouteHarness, _ address: String) async throws {
        _ = try await harness.engine.ban(
            ManualBan(target: try .parseIP(address), durationNs: 3_600_000_000_000, reason: "route test"))
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }
}

extension ByteBuffer {
    init(text: String) { self.init(string: text) }
}

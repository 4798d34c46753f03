import Foundation
import WardenConfig
import XCTest

/// `api.server` of the main config: defaults, addresses, relative paths and each error.
final class APIConfigTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "warden-api-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    private func load(_ text: String) throws -> APIConfig {
        let path = folder + "/config.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try MainConfig.load(path: path).api
    }

    private func error(_ text: String) -> String? {
        do { _ = try load(text); return nil } catch { return "\(error)".replacingOccurrences(of: folder + "/", with: "") }
    }

    func testDefaultsWhenAbsent() throws {
        XCTAssertEqual(try load("plugin:\n  backend: ./b\n"), APIConfig(host: "127.0.0.1", port: 8080, bouncersFile: "/var/lib/warden/bouncers"))
    }

    func testAddressesAndPaths() throws {
        let config = try load("""
            api:
              server:
                listen_uri: "[::1]:9090"
                bouncers_file: ./data/bouncers
                tls:
                  cert_file: tls/cert.pem
                  key_file: /etc/key.pem
            """)
        XCTAssertEqual(config.host, "::1")
        XCTAssertEqual(config.port, 9090)
        XCTAssertEqual(config.bouncersFile, folder + "/data/bouncers")
        XCTAssertEqual(config.tls, APIConfig.TLSFiles(certificateFile: folder + "/tls/cert.pem", keyFile: "/etc/key.pem"))
        XCTAssertNil(config.profilesFile, "no profiles_path: the daemon looks beside the config")
        XCTAssertEqual(
            try load("api:\n  server:\n    profiles_path: rules/profiles.yaml\n").profilesFile, folder + "/rules/profiles.yaml")
        XCTAssertEqual(try load("api:\n  server:\n    listen_uri: 0.0.0.0:8081\n").port, 8081)
    }

    func testEachMistakeNamesTheKeyAndLine() {
        let listen = "'api.server.listen_uri' must be host:port, such as 127.0.0.1:8080 or [::1]:8080"
        XCTAssertEqual(error("api:\n  server:\n    listen_uri: localhost\n"), "config.yaml:3: \(listen)")
        XCTAssertEqual(error("api:\n  server:\n    listen_uri: 127.0.0.1:70000\n"), "config.yaml:3: \(listen)")
        XCTAssertEqual(error("api:\n  server:\n    listen_uri: ::1:8080\n"), "config.yaml:3: \(listen)")
        XCTAssertEqual(error("api: 8080\n"), "config.yaml:1: 'api' must be a mapping, found a scalar")
        XCTAssertEqual(error("api:\n  server:\n    tls:\n      cert_file: c.pem\n"),
                       "config.yaml:4: 'api.server.tls' needs both cert_file and key_file (PEM files), or neither for plain HTTP")
        XCTAssertEqual(error("api:\n  server:\n    bouncers_file: ''\n"), "config.yaml:3: 'api.server.bouncers_file' must name a file")
        XCTAssertEqual(error("api:\n  server:\n    machines_file: ''\n"), "config.yaml:3: 'api.server.machines_file' must name a file")
        XCTAssertEqual(error("api:\n  server:\n    profiles_path: ''\n"), "config.yaml:3: 'api.server.profiles_path' must name a file")
        XCTAssertEqual(error("api:\n  server:\n    trusted_ips: 10.0.0.1\n"),
                       "config.yaml:3: 'api.server.trusted_ips' must be a list of addresses and CIDR blocks, found a scalar")
        XCTAssertEqual(error("api:\n  server:\n    trusted_ips:\n      - 10.0.0.1\n      - host.example\n"),
                       "config.yaml:5: 'api.server.trusted_ips' entry 'host.example' is not an address or a CIDR block; write it like 192.0.2.10 or 10.0.0.0/8")
        XCTAssertEqual(error("api:\n  server:\n    trusted_ips: [10.0.0.0/33]\n"),
                       "config.yaml:3: 'api.server.trusted_ips' entry '10.0.0.0/33': the prefix length must be 0 to 32")
    }

    func testAutoRegistration() throws {
        let token = String(repeating: "t", count: 32)
        let section = "api:\n  server:\n    auto_registration:\n"
        XCTAssertNil(try load("plugin:\n  backend: ./b\n").autoRegistration)
        XCTAssertNil(try load(section + "      enabled: false\n      token: short\n").autoRegistration, "off: nothing else is checked")
        let on = try XCTUnwrap(load(section + "      enabled: true\n      token: \(token)\n      allowed_ranges: [10.0.0.0/8, 192.0.2.7]\n").autoRegistration)
        XCTAssertEqual(on.token, token)
        XCTAssertEqual(on.allowedRanges.map(\.description), ["10.0.0.0/8", "192.0.2.7/32"])
        XCTAssertEqual(error(section + "      enabled: true\n      allowed_ranges: []\n"),
                       "config.yaml:4: 'api.server.auto_registration' is enabled without a token; give one of 32 characters or more")
        XCTAssertEqual(error(section + "      enabled: true\n      token: short\n      allowed_ranges: []\n"),
                       "config.yaml:5: 'api.server.auto_registration.token' has 5 characters; it needs 32 or more")
        XCTAssertEqual(error(section + "      enabled: true\n      token: \(token)\n"),
                       "config.yaml:4: 'api.server.auto_registration' is enabled without allowed_ranges; list the blocks agents register from, such as [10.0.0.0/8]")
        XCTAssertEqual(error(section + "      enabled: true\n      token: \(token)\n      allowed_ranges: [somewhere]\n"),
                       "config.yaml:6: 'api.server.auto_registration.allowed_ranges' entry 'somewhere' is not an address or a CIDR block; write it like 192.0.2.10 or 10.0.0.0/8")
        XCTAssertEqual(error(section + "      enabled: maybe\n"),
                       "config.yaml:4: 'api.server.auto_registration.enabled' must be true or false")
    }

    func testListenSocket() throws {
        XCTAssertNil(try load("plugin:\n  backend: ./b\n").listenSocket)
        XCTAssertEqual(try load("api:\n  server:\n    listen_socket: run/lapi.sock\n").listenSocket, folder + "/run/lapi.sock")
        XCTAssertNil(try load("api:\n  server:\n    listen_socket: ''\n").listenSocket)
        let long = "/" + String(repeating: "s", count: 107)
        XCTAssertEqual(error("api:\n  server:\n    listen_socket: \(long)\n"),
                       "config.yaml:3: 'api.server.listen_socket' \(long) is 108 bytes long; a unix socket path holds at most 107: choose a shorter one")
    }

    /// `identity_backend`: the backend that keeps bouncers, machines and the token secret;
    /// unset or empty, the files (and the token secret file beside the machines file).
    func testIdentityBackend() throws {
        let files = try load("plugin:\n  backend: ./b\n")
        XCTAssertNil(files.identityBackend)
        XCTAssertEqual(files.tokenSecretFile, files.machinesFile + ".jwt-secret")
        XCTAssertEqual(try load("api:\n  server:\n    identity_backend: mysql\n").identityBackend, "mysql")
        XCTAssertNil(try load("api:\n  server:\n    identity_backend: ''\n").identityBackend)
        XCTAssertEqual(error("api:\n  server:\n    identity_backend: [a, b]\n"),
                       "config.yaml:3: 'api.server.identity_backend' must name a backend (the name: of a file in the backend folder)")
    }

    /// The client-certificate keys of `api.server.tls`, with CrowdSec's names and defaults.
    func testClientCertificates() throws {
        let tls = "api:\n  server:\n    tls:\n      cert_file: c.pem\n      key_file: k.pem\n"
        XCTAssertNil(try load(tls).tls?.clientCertificates, "no client key: nil")
        XCTAssertEqual(try load(tls).tls?.clientAuthentication, ClientCertificates(), "and the defaults apply")
        let defaults = ClientCertificates()
        XCTAssertEqual(defaults.verification, .verifyClientCertIfGiven)
        XCTAssertEqual(defaults.bouncerOUs, ["bouncer-ou"])
        XCTAssertEqual(defaults.agentOUs, ["agent-ou"])
        XCTAssertEqual(defaults.cacheExpirationNs, 3_600_000_000_000)
        XCTAssertNil(defaults.caFile)
        XCTAssertNil(defaults.crlFile)
        let full = try XCTUnwrap(load(tls + """
                  client_verification: RequireAndVerifyClientCert
                  ca_cert_path: tls/ca.pem
                  crl_path: /etc/ca.crl
                  bouncers_allowed_ou: [edge, fw]
                  agents_allowed_ou: []
                  cache_expiration: 5m
            """).tls?.clientCertificates)
        XCTAssertEqual(full.verification, .requireAndVerifyClientCert)
        XCTAssertEqual(full.caFile, folder + "/tls/ca.pem")
        XCTAssertEqual(full.crlFile, "/etc/ca.crl")
        XCTAssertEqual(full.bouncerOUs, ["edge", "fw"])
        XCTAssertEqual(full.agentOUs, [])
        XCTAssertEqual(full.cacheExpirationNs, 300_000_000_000)
        XCTAssertEqual(error(tls + "      client_verification: Always\n"),
                       "config.yaml:6: 'api.server.tls.client_verification' is 'Always'; use one of NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert")
        XCTAssertEqual(error(tls + "      bouncers_allowed_ou: edge\n"),
                       "config.yaml:6: 'api.server.tls.bouncers_allowed_ou' must be a list of OU names, such as [bouncer-ou]")
        XCTAssertEqual(error(tls + "      cache_expiration: soon\n"),
                       "config.yaml:6: 'api.server.tls.cache_expiration' must be a duration such as 1h or 30m (0: check every time)")
        XCTAssertEqual(error("api:\n  server:\n    tls:\n      ca_cert_path: ca.pem\n"),
                       "config.yaml:4: 'api.server.tls' sets client-certificate keys but no cert_file and key_file; client certificates need HTTPS: give the server's PEM certificate and key")
    }

    /// As Go's net.ParseCIDR reads CrowdSec's trusted_ips: an address is its own block, host bits go.
    func testTrustedIPs() throws {
        let config = try load("api:\n  server:\n    trusted_ips: [192.0.2.10, 10.1.2.3/8, \"2001:db8::/32\"]\n")
        XCTAssertEqual(config.trustedNetworks.map(\.description), ["192.0.2.10/32", "10.0.0.0/8", "2001:db8::/32"])
        XCTAssertEqual(try load("plugin:\n  backend: ./b\n").trustedNetworks, [])
        XCTAssertEqual(try load("api:\n  server:\n    trusted_ips:\n").trustedNetworks, [])
    }

    // MARK: Timeouts, connection bounds, login_throttle

    func testLimitsAndLoginThrottleDefaults() throws {
        let config = try load("plugin:\n  backend: ./b\n")
        XCTAssertEqual(config.limits.readHeaderTimeoutNs, 10_000_000_000)
        XCTAssertEqual(config.limits.readBodyTimeoutNs, 60_000_000_000)
        XCTAssertEqual(config.limits.idleTimeoutNs, 120_000_000_000)
        XCTAssertEqual(config.limits.maxConnections, 10_000)
        XCTAssertEqual(config.limits.maxConnectionsPerAddress, 1_000)
        XCTAssertEqual(config.loginThrottling, LoginThrottling())
        XCTAssertEqual(config.loginThrottling.freeFailures, 5)
        XCTAssertEqual(config.loginThrottling.maxDelayNs, 900_000_000_000)
        XCTAssertEqual(config.loginThrottling.banAfter, 0)
        XCTAssertEqual(config.loginThrottling.banDurationNs, 14_400_000_000_000)
    }

    func testLimitsAndLoginThrottleValues() throws {
        let config = try load("""
            api:
              server:
                read_header_timeout: 2s
                read_body_timeout: 1m30s
                idle_timeout: 0
                max_connections: 0
                max_connections_per_ip: 50
                login_throttle:
                  free_failures: 0
                  max_delay: 1m
                  ban_after: 20
                  ban_duration: 24h
            """)
        XCTAssertEqual(config.limits.readHeaderTimeoutNs, 2_000_000_000)
        XCTAssertEqual(config.limits.readBodyTimeoutNs, 90_000_000_000)
        XCTAssertEqual(config.limits.idleTimeoutNs, 0)
        XCTAssertEqual(config.limits.maxConnections, 0)
        XCTAssertEqual(config.limits.maxConnectionsPerAddress, 50)
        XCTAssertEqual(config.loginThrottling.freeFailures, 0)
        XCTAssertEqual(config.loginThrottling.maxDelayNs, 60_000_000_000)
        XCTAssertEqual(config.loginThrottling.banAfter, 20)
        XCTAssertEqual(config.loginThrottling.banDurationNs, 86_400_000_000_000)
    }

    func testEachLimitOrThrottleMistakeNamesTheKeyAndLine() {
        XCTAssertEqual(error("api:\n  server:\n    read_header_timeout: 10\n"),
                       "config.yaml:3: 'api.server.read_header_timeout' must be a duration such as 10s, 2m or 1h30m (0 turns it off)")
        XCTAssertEqual(error("api:\n  server:\n    idle_timeout: -1s\n"),
                       "config.yaml:3: 'api.server.idle_timeout' must be a duration such as 10s, 2m or 1h30m (0 turns it off)")
        XCTAssertEqual(error("api:\n  server:\n    max_connections: many\n"),
                       "config.yaml:3: 'api.server.max_connections' must be a whole number of 0 or more")
        XCTAssertEqual(error("api:\n  server:\n    max_connections_per_ip: -3\n"),
                       "config.yaml:3: 'api.server.max_connections_per_ip' must be a whole number of 0 or more")
        XCTAssertEqual(error("api:\n  server:\n    login_throttle: on\n"),
                       "config.yaml:3: 'api.server.login_throttle' must be a mapping, found a scalar")
        XCTAssertEqual(error("api:\n  server:\n    login_throttle:\n      free_failures: 2.5\n"),
                       "config.yaml:4: 'api.server.login_throttle.free_failures' must be a whole number of 0 or more")
        XCTAssertEqual(error("api:\n  server:\n    login_throttle:\n      max_delay: 500ms\n"),
                       "config.yaml:4: 'api.server.login_throttle.max_delay' must be at least 1s, the first wait")
        XCTAssertEqual(error("api:\n  server:\n    login_throttle:\n      ban_duration: 0\n"),
                       "config.yaml:4: 'api.server.login_throttle.ban_duration' must be longer than 0, such as 4h")
    }
}

import WardenModel

/// The `api.server` section of the main config: where the daemon listens, with or
/// without TLS, and where bouncer keys live.
///
/// ```yaml
/// api:
///   server:
///     listen_uri: 127.0.0.1:8080      # host:port; [::1]:8080 for IPv6
///     listen_socket: /run/warden/lapi.sock   # also serve on this unix socket (plain HTTP)
///     tls:                            # both or neither
///       cert_file: /etc/warden/tls/cert.pem
///       key_file: /etc/warden/tls/key.pem
///       # client certificates: ClientCertificates
///     bouncers_file: /var/lib/warden/bouncers   # relative paths: relative to the main config
///     machines_file: /var/lib/warden/machines   # default: "machines" beside the bouncers file
///     identity_backend: sqlite    # keep bouncers, machines and the token secret in this backend
///                                 # (shared by every node on its storage); default: the files
///     profiles_path: /etc/warden/profiles.yaml  # default: profiles.yaml beside the main config
///     trusted_ips: [192.0.2.10, 10.0.0.0/8]     # besides 127.0.0.1 and ::1: may delete alerts
///     # timeouts and connection bounds: ServerLimits; login_throttle: LoginThrottling
/// ```
public struct APIConfig: Sendable, Equatable {
    /// The address to listen on (an IP literal or `localhost`).
    public var host: String
    public var port: Int
    /// A unix socket the API also serves on (plain HTTP, mode 0660), as CrowdSec 1.6's
    /// `listen_socket`; nil: TCP only.
    public var listenSocket: String?
    /// The PEM certificate chain and key, when the API serves HTTPS.
    public var tls: TLSFiles?
    /// The file of bouncer names and key digests that `warden bouncers` manages.
    public var bouncersFile: String
    /// The file of machine names and password hashes that `warden machines` manages
    /// (agents and `cscli`); its token secret and sightings live beside it.
    public var machinesFile: String
    /// The backend (its `name:`) whose storage keeps the bouncers, machines and token
    /// secret, so every node on that storage shares them; nil: the files above, one node's.
    public var identityBackend: String?
    /// The profiles that turn alerts into decisions, when the config names a file
    /// (`profiles_path`); nil: `profiles.yaml` beside the main config, if there is one.
    public var profilesFile: String?
    /// The addresses and blocks, besides 127.0.0.1 and ::1, whose machines may delete
    /// alerts (`trusted_ips`, as CrowdSec's Local API has them).
    public var trustedNetworks: [BanTarget] = []
    /// Machines that register themselves with a token (``AutoRegistration``); nil: off.
    public var autoRegistration: AutoRegistration?
    /// Timeouts and connection bounds (``ServerLimits``).
    public var limits = ServerLimits()
    /// Back-off for failed machine logins (``LoginThrottling``).
    public var loginThrottling = LoginThrottling()

    /// A certificate chain and its private key, both PEM files, and what the server does
    /// with client certificates.
    public struct TLSFiles: Sendable, Equatable {
        public var certificateFile: String
        public var keyFile: String
        /// The client-certificate keys; nil when the config sets none of them, and then the
        /// server asks for certificates as `VerifyClientCertIfGiven` with the system's CAs.
        public var clientCertificates: ClientCertificates?

        public init(certificateFile: String, keyFile: String, clientCertificates: ClientCertificates? = nil) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.clientCertificates = clientCertificates
        }

        /// What the server does with client certificates, defaults filled in.
        public var clientAuthentication: ClientCertificates { clientCertificates ?? ClientCertificates() }
    }

    /// The address bouncers expect: `127.0.0.1:8080`.
    public static let defaultListenURI = "127.0.0.1:8080"
    /// Where bouncer keys are kept unless the config says otherwise.
    public static let defaultBouncersFile = "/var/lib/warden/bouncers"

    public init(host: String, port: Int, tls: TLSFiles? = nil, bouncersFile: String, machinesFile: String? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.bouncersFile = bouncersFile
        self.machinesFile = machinesFile ?? Self.machinesFile(besideBouncers: bouncersFile)
    }

    /// The file of the secret that signs machine tokens: `<machines_file>.jwt-secret`.
    public var tokenSecretFile: String { Self.tokenSecretFile(besideMachines: machinesFile) }

    /// `<machinesPath>.jwt-secret`.
    public static func tokenSecretFile(besideMachines machinesPath: String) -> String { machinesPath + ".jwt-secret" }

    /// `machines` in the bouncers file's folder.
    public static func machinesFile(besideBouncers bouncersFile: String) -> String {
        FileSystem.join(FileSystem.folder(of: bouncersFile), "machines")
    }

    /// The URL agents and `cscli` reach this API at, for their credentials file:
    /// `http://127.0.0.1:8080/` (`https` with TLS, brackets around IPv6, the unspecified
    /// address replaced by loopback).
    public var clientURL: String {
        let reachable = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host
        let hostText = reachable.contains(":") ? "[\(reachable)]" : reachable
        return "\(tls == nil ? "http" : "https")://\(hostText):\(port)/"
    }

    /// Reads `api.server` from the main config's root (absent: every default).
    /// - Throws: ``ConfigError`` naming the file, the line and the key.
    static func parse(_ root: YAMLNode, base: String, file: String) throws(ConfigError) -> APIConfig {
        var config = APIConfig(host: "127.0.0.1", port: 8080, bouncersFile: APIConfig.defaultBouncersFile)
        guard let api = root["api"] else { return config }
        try requireMapping(api, "api", file: file)
        guard let server = api["server"] else { return config }
        try requireMapping(server, "api.server", file: file)
        if let node = server["listen_uri"] {
            guard let text = node.scalar, let (host, port) = splitHostPort(text) else {
                throw ConfigError(
                    file: file, line: node.line,
                    "'api.server.listen_uri' must be host:port, such as 127.0.0.1:8080 or [::1]:8080")
            }
            (config.host, config.port) = (host, port)
        }
        if let node = server["listen_socket"] {
            guard let text = node.scalar else {
                throw ConfigError(file: file, line: node.line, "'api.server.listen_socket' must name a socket file, such as /run/warden/lapi.sock")
            }
            if !text.isEmpty {
                let path = FileSystem.resolve(text, against: base)
                // sockaddr_un holds 108 bytes with the closing NUL.
                guard path.utf8.count <= 107 else {
                    throw ConfigError(
                        file: file, line: node.line,
                        "'api.server.listen_socket' \(path) is \(path.utf8.count) bytes long; a unix socket path holds at most 107: choose a shorter one")
                }
                config.listenSocket = path
            }
        }
        if let node = server["bouncers_file"] {
            guard let text = node.scalar, !text.isEmpty else {
                throw ConfigError(file: file, line: node.line, "'api.server.bouncers_file' must name a file")
            }
            config.bouncersFile = FileSystem.resolve(text, against: base)
        }
        config.machinesFile = Self.machinesFile(besideBouncers: config.bouncersFile)
        if let node = server["machines_file"] {
            guard let text = node.scalar, !text.isEmpty else {
                throw ConfigError(file: file, line: node.line, "'api.server.machines_file' must name a file")
            }
            config.machinesFile = FileSystem.resolve(text, against: base)
        }
        if let node = server["identity_backend"] {
            guard let text = node.scalar else {
                throw ConfigError(
                    file: file, line: node.line,
                    "'api.server.identity_backend' must name a backend (the name: of a file in the backend folder)")
            }
            config.identityBackend = text.isEmpty ? nil : text
        }
        if let node = server["profiles_path"] {
            guard let text = node.scalar, !text.isEmpty else {
                throw ConfigError(file: file, line: node.line, "'api.server.profiles_path' must name a file")
            }
            config.profilesFile = FileSystem.resolve(text, against: base)
        }
        if let node = server["trusted_ips"] {
            config.trustedNetworks = try parseNetworks(node, key: "api.server.trusted_ips", file: file)
        }
        config.autoRegistration = try AutoRegistration.parse(server, file: file)
        config.limits = try ServerLimits.parse(server, file: file)
        config.loginThrottling = try LoginThrottling.parse(server, file: file)
        if let tls = server["tls"] {
            try requireMapping(tls, "api.server.tls", file: file)
            let certificate = tls["cert_file"]?.scalar.flatMap { $0.isEmpty ? nil : $0 }
            let key = tls["key_file"]?.scalar.flatMap { $0.isEmpty ? nil : $0 }
            let clients = try ClientCertificates.parse(tls, base: base, file: file)
            switch (certificate, key) {
            case (let certificate?, let key?):
                config.tls = TLSFiles(
                    certificateFile: FileSystem.resolve(certificate, against: base),
                    keyFile: FileSystem.resolve(key, against: base), clientCertificates: clients)
            case (nil, nil):
                if clients != nil {
                    throw ConfigError(
                        file: file, line: tls.line,
                        "'api.server.tls' sets client-certificate keys but no cert_file and key_file; "
                            + "client certificates need HTTPS: give the server's PEM certificate and key")
                }
            default:
                throw ConfigError(
                    file: file, line: tls.line,
                    "'api.server.tls' needs both cert_file and key_file (PEM files), or neither for plain HTTP")
            }
        }
        return config
    }
}

/// `trusted_ips`, `allowed_ranges`: a list of addresses (one address: its own block) and
/// CIDR blocks; as Go's `net.ParseCIDR` reads them for CrowdSec, host bits are dropped
/// (10.1.2.3/8 is 10.0.0.0/8). `key` is the full key, for messages.
func parseNetworks(_ node: YAMLNode, key: String, file: String) throws(ConfigError) -> [BanTarget] {
    // `trusted_ips:` with nothing after it is an empty list, as CrowdSec reads it.
    if let text = node.scalar, ["", "~", "null", "Null", "NULL"].contains(text) { return [] }
    guard case .sequence(let items) = node.value else {
        throw ConfigError(
            file: file, line: node.line, "'\(key)' must be a list of addresses and CIDR blocks, found \(node.kind)")
    }
    var networks: [BanTarget] = []
    for item in items {
        let text = item.scalar ?? ""
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else {
            throw ConfigError(
                file: file, line: item.line,
                "'\(key)' entry '\(text)' is not an address or a CIDR block; write it like 192.0.2.10 or 10.0.0.0/8")
        }
        guard parts.count == 2 else {
            networks.append(.range(network: address, prefixLength: address.width))
            continue
        }
        guard let prefix = Int(parts[1]), parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), (0...address.width).contains(prefix) else {
            throw ConfigError(
                file: file, line: item.line,
                "'\(key)' entry '\(text)': the prefix length must be 0 to \(address.width)")
        }
        let block = BanTarget.range(network: address, prefixLength: prefix)
        networks.append(.range(network: block.first, prefixLength: prefix))
    }
    return networks
}

private func requireMapping(_ node: YAMLNode, _ key: String, file: String) throws(ConfigError) {
    guard case .mapping = node.value else {
        throw ConfigError(file: file, line: node.line, "'\(key)' must be a mapping, found \(node.kind)")
    }
}

/// `127.0.0.1:8080` → ("127.0.0.1", 8080); `[::1]:8080` → ("::1", 8080); nil when malformed.
func splitHostPort(_ text: String) -> (String, Int)? {
    let host: Substring, portText: Substring
    if text.hasPrefix("[") {
        guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
        host = text[text.index(after: text.startIndex)..<close]
        portText = text[text.index(close, offsetBy: 2)...]
    } else {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        host = text[..<colon]
        portText = text[text.index(after: colon)...]
        if host.contains(":") { return nil }  // an IPv6 literal needs brackets
    }
    guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port), portText.allSatisfy(\.isNumber) else {
        return nil
    }
    return (String(host), port)
}

extension APIConfig {
    /// The host and port of a `listen_uri` (`127.0.0.1:8080`, `[::1]:8080`); nil when malformed.
    public static func hostAndPort(of listenURI: String) -> (host: String, port: Int)? {
        splitHostPort(listenURI).map { (host: $0.0, port: $0.1) }
    }
}

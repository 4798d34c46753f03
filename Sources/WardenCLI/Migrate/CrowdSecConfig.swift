import WardenConfig
import WardenModel

/// What `warden migrate crowdsec` reads of CrowdSec's `config.yaml`: where its database
/// is, what its Local API served, and the settings Warden takes or reports.
struct CrowdSecConfig {
    /// CrowdSec's database (`db_config`).
    enum Database: Equatable {
        /// `type: sqlite` with `db_path`.
        case sqlite(path: String)
        /// Another type (`mysql`, `postgresql`, `pgx`), with the parts a client needs.
        case server(type: String, host: String, port: Int?, user: String, password: String, name: String)
    }

    var path: String
    var database: Database
    /// `api.server.listen_uri`, nil when the file has no Local API server section.
    var listenURI: String?
    /// `api.server.profiles_path`, else `profiles.yaml` in `config_paths.config_dir`.
    var profilesFile: String
    /// `config_paths.notification_dir`, else `notifications` in `config_dir`.
    var notificationFolder: String
    /// `api.server.online_client.credentials_path`: CrowdSec's Central API credentials.
    var onlineClientCredentials: String?
    /// `api.server.trusted_ips` other than loopback, which Warden trusts already.
    var trustedIPs: [String] = []
    /// Whether `api.server.tls` is set.
    var serverTLS = false
    /// `config_paths.plugin_dir`, when set.
    var pluginFolder: String?

    /// The file Debian's package installs.
    static let defaultPath = "/etc/crowdsec/config.yaml"

    /// Reads `path`, with `$VAR` and `${VAR}` taken from `environment` as CrowdSec does.
    /// - Throws: ``InputError`` when the file cannot be read or lacks what a migration needs.
    static func load(path: String, environment: (String) -> String?) throws -> CrowdSecConfig {
        let raw: String
        switch FileSystem.read(path) {
        case .success(let text): raw = text
        case .failure(let error):
            throw InputError(
                "cannot read CrowdSec's config \(path): \(error); give its path with --crowdsec-config")
        }
        let root = try YAML.parse(expandingVariables(raw, environment), file: path)
        let base = FileSystem.folder(of: path)
        func text(_ node: YAMLNode?) -> String? {
            guard let value = node?.scalar, !value.isEmpty else { return nil }
            return value
        }
        func file(_ node: YAMLNode?) -> String? { text(node).map { FileSystem.resolve($0, against: base) } }

        guard let db = root["db_config"] else {
            throw InputError("\(path) has no db_config section; give the config.yaml of the CrowdSec to migrate from")
        }
        let type = (text(db["type"]) ?? "").lowercased()
        let database: Database
        switch type {
        case "sqlite":
            guard let dbPath = file(db["db_path"]) else {
                throw InputError("\(path): db_config.db_path is missing; CrowdSec's SQLite database cannot be found")
            }
            database = .sqlite(path: dbPath)
        case "mysql", "postgres", "postgresql", "pgx":
            database = .server(
                type: type, host: text(db["host"]) ?? "", port: text(db["port"]).flatMap { Int($0) },
                user: text(db["user"]) ?? "", password: db["password"]?.scalar ?? "", name: text(db["db_name"]) ?? "")
        default:
            throw InputError(
                "\(path): db_config.type is '\(type)'; CrowdSec's database types are sqlite, mysql, postgresql and pgx")
        }
        let configDir = file(root["config_paths"]?["config_dir"]) ?? "/etc/crowdsec/"
        let server = root["api"]?["server"]
        var config = CrowdSecConfig(
            path: path, database: database, listenURI: text(server?["listen_uri"]),
            profilesFile: file(server?["profiles_path"]) ?? FileSystem.join(configDir, "profiles.yaml"),
            notificationFolder: file(root["config_paths"]?["notification_dir"])
                ?? FileSystem.join(configDir, "notifications"),
            onlineClientCredentials: file(server?["online_client"]?["credentials_path"]))
        if case .sequence(let items) = server?["trusted_ips"]?.value {
            config.trustedIPs = items.compactMap(\.scalar).filter { !["127.0.0.1", "::1"].contains($0) }
        }
        config.pluginFolder = file(root["config_paths"]?["plugin_dir"])
        if let tls = server?["tls"], case .mapping(let pairs) = tls.value, !pairs.isEmpty { config.serverTLS = true }
        return config
    }

    /// `text` with `$NAME` and `${NAME}` replaced by `environment`'s values (empty when
    /// unset), as Go's `os.ExpandEnv`, which CrowdSec 1.4.6 applies to its config.
    static func expandingVariables(_ text: String, _ environment: (String) -> String?) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        let chars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        func isNameScalar(_ c: Unicode.Scalar) -> Bool {
            c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        var index = 0
        while index < chars.count {
            let c = chars[index]
            guard c == "$", index + 1 < chars.count else {
                out.append(c)
                index += 1
                continue
            }
            if chars[index + 1] == "{", let close = chars[(index + 2)...].firstIndex(of: "}") {
                out.append(contentsOf: (environment(String(String.UnicodeScalarView(chars[(index + 2)..<close]))) ?? "").unicodeScalars)
                index = close + 1
            } else if isNameScalar(chars[index + 1]) {
                var end = index + 1
                while end < chars.count, isNameScalar(chars[end]) { end += 1 }
                out.append(contentsOf: (environment(String(String.UnicodeScalarView(chars[(index + 1)..<end]))) ?? "").unicodeScalars)
                index = end
            } else {
                out.append(c)
                index += 1
            }
        }
        return String(out)
    }
}

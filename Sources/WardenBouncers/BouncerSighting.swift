import WardenConfig
import WardenModel

/// What the daemon last saw of a bouncer: its address, its user agent and when it
/// last pulled. Kept by the daemon in `<bouncers_file>.seen`; read by `warden bouncers list`.
public struct BouncerSighting: Sendable, Equatable {
    public var name: String
    public var address: String
    /// The `User-Agent` as sent, e.g. `crowdsec-firewall-bouncer/v0.0.25`.
    public var userAgent: String
    public var lastPullNs: Int64

    public init(name: String, address: String, userAgent: String, lastPullNs: Int64) {
        self.name = name
        self.address = address
        self.userAgent = userAgent
        self.lastPullNs = lastPullNs
    }

    /// The agent's type and version, as LAPI splits `type/version` (`N/A` when it does not split in two).
    public var typeAndVersion: (type: String, version: String) {
        let parts = userAgent.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return (userAgent, "N/A") }
        return (String(parts[0]), String(parts[1]))
    }

    /// The file beside the keys file.
    public static func path(besideKeys keysPath: String) -> String { keysPath + ".seen" }

    /// Reads the sightings; a missing or unreadable file is an empty list (it is only a record).
    public static func load(from path: String) -> [BouncerSighting] {
        guard case .success(let text) = FileSystem.read(path) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let pull = Timestamp.parse(fields[3]) else { return nil }
            return BouncerSighting(name: fields[0], address: fields[1], userAgent: fields[2], lastPullNs: pull)
        }
    }

    /// Replaces the file with `sightings` (atomically).
    public static func save(_ sightings: [BouncerSighting], to path: String) -> Result<Void, SystemError> {
        let clean: (String) -> String = { String($0.map { $0 == "\t" || $0 == "\n" ? " " : $0 }) }
        let lines = sightings.map {
            "\(clean($0.name))\t\(clean($0.address))\t\(clean($0.userAgent))\t\(Timestamp.rfc3339($0.lastPullNs))\n"
        }
        return FileSystem.writeAtomically(lines.joined(), to: path, mode: 0o644)
    }
}

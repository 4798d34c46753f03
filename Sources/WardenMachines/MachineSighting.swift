import WardenConfig
import WardenModel

/// What the daemon last saw of a machine: its address, the version its user agent
/// gave at login (`crowdsec/v1.4.6-...` → `v1.4.6-...`), the scenarios it announced,
/// and when it last logged in and sent a heartbeat. Kept by the daemon in
/// `<machines_file>.seen`; read by `warden machines list`.
public struct MachineSighting: Sendable, Equatable {
    public var name: String
    public var address: String
    public var version: String
    /// The scenarios of its last login, comma-joined (kept when a login sends none, as LAPI does).
    public var scenarios: String
    public var lastLoginNs: Int64
    /// Zero until its first heartbeat.
    public var lastHeartbeatNs: Int64

    public init(name: String, address: String, version: String, scenarios: String, lastLoginNs: Int64, lastHeartbeatNs: Int64) {
        self.name = name
        self.address = address
        self.version = version
        self.scenarios = scenarios
        self.lastLoginNs = lastLoginNs
        self.lastHeartbeatNs = lastHeartbeatNs
    }

    /// The file beside the machines file.
    public static func path(besideMachines machinesPath: String) -> String { machinesPath + ".seen" }

    /// Reads the sightings; a missing or unreadable file is an empty list (it is only a record).
    public static func load(from path: String) -> [MachineSighting] {
        guard case .success(let text) = FileSystem.read(path) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, let login = Timestamp.parse(fields[4]) else { return nil }
            return MachineSighting(
                name: fields[0], address: fields[1], version: fields[2], scenarios: fields[3], lastLoginNs: login,
                lastHeartbeatNs: fields[5].isEmpty ? 0 : Timestamp.parse(fields[5]) ?? 0)
        }
    }

    /// Replaces the file with `sightings` (atomically).
    public static func save(_ sightings: [MachineSighting], to path: String) -> Result<Void, SystemError> {
        let clean: (String) -> String = { String($0.map { $0 == "\t" || $0 == "\n" ? " " : $0 }) }
        let lines = sightings.map {
            [clean($0.name), clean($0.address), clean($0.version), clean($0.scenarios), Timestamp.rfc3339($0.lastLoginNs),
             $0.lastHeartbeatNs == 0 ? "" : Timestamp.rfc3339($0.lastHeartbeatNs)].joined(separator: "\t") + "\n"
        }
        return FileSystem.writeAtomically(lines.joined(), to: path, mode: 0o644)
    }
}

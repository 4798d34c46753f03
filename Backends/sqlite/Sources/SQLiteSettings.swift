import WardenBackendKit

/// The `config:` keys of the SQLite backend.
struct SQLiteSettings {
    /// The database file (required).
    var path: String
    /// How long to wait for another connection's lock, in ms (`busy_timeout`, default 10000).
    var busyTimeoutMs: Int
    /// `normal` (default: durable across process crashes; the last commits may roll back on
    /// power loss) or `full` (durable across power loss, one fsync per commit).
    var synchronous: String
    /// Page cache in KiB (`cache_size_kb`; 0 keeps SQLite's default of 2 MiB).
    var cacheSizeKb: Int
    /// End expired bans in the background (`flush`, injected by the host).
    var expireEnded: Bool
    /// Retention: keep at most this many ban records (0: no limit). Live bans are never purged.
    var maxRecords: Int
    /// Retention: purge history created longer ago than this (0: never).
    var maxRecordsAgeNs: Int64
    /// Auto-commit: commit pending inserts this often (`auto_commit_interval`, default 200ms)…
    var autoCommitIntervalNs: Int64
    /// …or as soon as this many are pending (`auto_commit_rows`, default 100).
    var autoCommitRows: Int

    init(_ config: BackendConfig) throws {
        path = try config.required("db_path", hint: "name the SQLite file, e.g. /var/lib/warden/warden.db")
        busyTimeoutMs = try config.int("busy_timeout", default: 10_000, range: 0...600_000)
        synchronous = try config.choice("synchronous", ["normal", "full"], default: "normal")
        cacheSizeKb = try config.int("cache_size_kb", default: 0, range: 0...16_777_216)
        expireEnded = try config.bool("flush", default: false)
        maxRecords = try config.int("max_records", default: 0, range: 0...Int(Int32.max))
        maxRecordsAgeNs = try config.duration("max_records_age", default: 0)
        autoCommitIntervalNs = try config.duration("auto_commit_interval", default: 200_000_000)
        autoCommitRows = try config.int("auto_commit_rows", default: 100, range: 1...1_000_000)
        guard autoCommitIntervalNs >= 1_000_000 else {
            throw BackendError(.invalid, "config key 'auto_commit_interval' must be at least 1ms")
        }
    }
}

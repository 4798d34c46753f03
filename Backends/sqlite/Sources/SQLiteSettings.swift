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
    /// `flush`, `max_records`, `max_records_age`, `auto_commit_interval`, `auto_commit_rows`.
    var background: BackgroundSettings

    init(_ config: BackendConfig) throws {
        path = try config.required("db_path", hint: "name the SQLite file, e.g. /var/lib/warden/warden.db")
        busyTimeoutMs = try config.int("busy_timeout", default: 10_000, range: 0...600_000)
        synchronous = try config.choice("synchronous", ["normal", "full"], default: "normal")
        cacheSizeKb = try config.int("cache_size_kb", default: 0, range: 0...16_777_216)
        background = try BackgroundSettings(config)
    }
}

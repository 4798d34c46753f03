/// The config keys every backend reads for its background work.
public struct BackgroundSettings: Sendable {
    /// `flush` (injected by the host): end expired bans in the background.
    public var expireEnded: Bool
    /// `max_records`: keep at most this many ban records (0: no limit). Live bans are never purged.
    public var maxRecords: Int
    /// `max_records_age`: purge history created longer ago than this (0: never).
    public var maxRecordsAgeNs: Int64
    /// `auto_commit_interval` (default 200ms): how often the auto-commit thread commits…
    public var autoCommitIntervalNs: Int64
    /// …`auto_commit_rows` (default 100): or as soon as this many inserts are pending.
    public var autoCommitRows: Int

    /// Reads the keys from `config`.
    /// - Throws: ``BackendError`` naming a bad key.
    public init(_ config: BackendConfig) throws {
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

import WardenBackendHost
import WardenModel

/// A reader of a backend's change feed exactly as `warden_backend.h` describes it
/// (warden.changes/1, THE FEED): it holds the bans of a snapshot and applies every
/// change after it, with no rule of its own beyond the header's.
struct FeedMirror {
    private(set) var bans: [Int64: Ban] = [:]
    private(set) var cursor: Int64 = 0

    /// Reads the changes since the mirror's cursor (a snapshot the first time) and
    /// applies them; returns what was read.
    @discardableResult
    mutating func sync(_ backend: LoadedBackend) throws -> BanChanges {
        guard let read = try backend.changes(since: cursor) else {
            throw ConformanceFailure(description: "the backend stopped offering warden.changes/1")
        }
        if read.isSnapshot { bans = [:] }
        for change in read.changes {
            switch change {
            case .added(let ban):
                // Beside the target's other bans (STACKED BANS): an added ban ends none.
                bans[ban.id] = ban
            case .ended(let id, _): bans[id] = nil
            case .endedThrough(let id, _): bans = bans.filter { $0.key > id }
            }
        }
        cursor = read.cursor
        return read
    }

    /// `id target` of each ban held that is active at `now`, sorted: comparable with ``World/live(_:)``.
    func live(now: Int64) -> [String] {
        bans.values.filter { $0.untilNs > now }.map { "\($0.id) \($0.target)" }.sorted()
    }
}

extension World {
    /// `id target` of each ban `read_at(now)` lists, sorted.
    func live(_ backend: LoadedBackend) throws -> [String] {
        try backend.read(at: clock.now).map { "\($0.id) \($0.target)" }.sorted()
    }

    /// Fails unless `mirror` holds what `backend` reads as active now.
    func expectAgrees(_ mirror: FeedMirror, _ backend: LoadedBackend, after what: String) throws {
        let held = mirror.live(now: clock.now), read = try live(backend)
        try expect(held == read, "after \(what), a reader of the change feed holds \(held) but read_at(now) lists \(read)")
    }
}

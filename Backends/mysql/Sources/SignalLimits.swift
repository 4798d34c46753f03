import CWardenBackend
import WardenBackendKit

/// The text sizes the server stores (the VARCHAR and TEXT columns of ``MySQLSchema``),
/// checked when a signal is inserted. The batch goes to the server later, in one
/// transaction: a signal refused only then would take the whole batch with it, so a
/// signal that cannot fit is refused now, before any of it enters the batch, and the
/// signals already in the batch stay (`insert` is all or nothing).
enum SignalLimits {
    /// - Throws: ``BackendError`` `.invalid` naming the first text that does not fit.
    static func check(_ signal: RawSignal) throws {
        let s = signal.fields
        try check(s.scenario, characters: 255, "the signal's scenario")
        try check(s.message, characters: 1024, "the signal's message")
        try check(s.source, characters: 64, "the signal's source")
        let bans = signal.bans.count
        for (i, ban) in signal.bans.enumerated() {
            func name() -> String { "ban \(i + 1) of \(bans)" }
            try check(ban.target, characters: 64, "the target of \(name())")
            try check(ban.origin, characters: 64, "the origin of \(name())")
            try check(ban.action, characters: 64, "the action of \(name())")
            try check(ban.reason, characters: 1024, "the reason of \(name())")
            try check(ban.scenario, characters: 255, "the scenario of \(name())")
            try check(ban.country, characters: 8, "the country of \(name())")
            try check(ban.as_name, characters: 255, "the AS name of \(name())")
        }
        for (i, event) in signal.events.enumerated() {
            try check(event.source, characters: 64, "the source of event \(i + 1)")
            if event.serialized.len > 65_535 {
                throw BackendError(
                    .invalid, "mysql: insert: the serialized data of event \(i + 1) is \(event.serialized.len) bytes; "
                        + "the column holds 65535; the signal was not stored, send it with less event data")
            }
        }
    }

    /// A VARCHAR(n) of utf8mb4 holds n characters (code points), whatever their bytes.
    private static func check(_ text: warden_str_t, characters limit: Int, _ what: @autoclosure () -> String) throws {
        guard text.len > limit else { return }  // never more characters than bytes
        let count = text.bytes.reduce(0) { count, byte in byte & 0xC0 == 0x80 ? count : count + 1 }
        guard count <= limit else {
            throw BackendError(
                .invalid, "mysql: insert: \(what()) is \(count) characters long; the column holds \(limit); the signal "
                    + "was not stored, shorten it")
        }
    }
}

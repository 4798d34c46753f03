import CWardenBackend
import WardenBackendKit

/// The texts PostgreSQL can store, checked when a signal is inserted. A TEXT column of a
/// UTF-8 database refuses a NUL character and invalid UTF-8; the batch goes to the server
/// later, in one COPY, where one such text would take every buffered signal with it. So a
/// signal holding one is refused now, before any of it enters the batch, and the signals
/// already in the batch stay (`insert` is all or nothing).
enum SignalText {
    /// - Throws: ``BackendError`` `.invalid` naming the first text that cannot be stored.
    static func check(_ signal: RawSignal) throws {
        let s = signal.fields
        try check(s.scenario, "the signal's scenario")
        try check(s.message, "the signal's message")
        try check(s.source, "the signal's source")
        let bans = signal.bans.count
        for (i, ban) in signal.bans.enumerated() {
            func name() -> String { "ban \(i + 1) of \(bans)" }
            try check(ban.target, "the target of \(name())")
            try check(ban.origin, "the origin of \(name())")
            try check(ban.action, "the action of \(name())")
            try check(ban.reason, "the reason of \(name())")
            try check(ban.scenario, "the scenario of \(name())")
            try check(ban.country, "the country of \(name())")
            try check(ban.as_name, "the AS name of \(name())")
        }
        for (i, event) in signal.events.enumerated() {
            try check(event.source, "the source of event \(i + 1)")
            try check(event.serialized, "the serialized data of event \(i + 1)")
        }
        let map = s.labels
        for i in 0..<map.count {
            try check(map.items[i].key, "label \(i + 1)'s key")
            try check(map.items[i].value, "label \(i + 1)'s value")
        }
    }

    private static func check(_ text: warden_str_t, _ what: @autoclosure () -> String) throws {
        let bytes = text.bytes
        if let nul = bytes.firstIndex(of: 0) {
            throw BackendError(
                .invalid, "postgresql: insert: \(what()) holds a NUL character (byte \(nul + 1)), which PostgreSQL text "
                    + "cannot store; the signal was not stored, remove the character")
        }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return
            case .error:
                throw BackendError(
                    .invalid, "postgresql: insert: \(what()) is not valid UTF-8; the signal was not stored, "
                        + "send the text as UTF-8")
            }
        }
    }
}

import Glibc
import Synchronization

/// A file that keeps the alerts a shutdown left no time to send, so the next start sends
/// them. One line per alert: the notification's name, a tab, the alert's id, a tab, its
/// JSON (compact JSON holds no raw tab or newline; in the name `%`, tab and newline are
/// written `%25`, `%09`, `%0A`). Lines are appended and synced before a shutdown reports
/// them kept; the next start reads every line, then removes the file.
public final class NotificationSpool: Sendable {
    public let path: String
    private let writing = Mutex(())

    public init(path: String) {
        self.path = path
    }

    /// Appends `alerts` of the notification `name`.
    /// - Returns: nil once they are on disk, else why not.
    func keep(_ alerts: [NotifiedAlert], for name: String) -> String? {
        var text = ""
        for alert in alerts { text += "\(Self.escape(name))\t\(alert.id)\t\(alert.json)\n" }
        return writing.withLock { _ -> String? in
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return "cannot open \(path): \(String(cString: strerror(errno)))" }
            defer { close(fd) }
            let before = lseek(fd, 0, SEEK_END)
            // A failed write leaves no part of these lines behind: they are reported not kept.
            func undo(_ what: String) -> String {
                let reason = String(cString: strerror(errno))
                if before >= 0 { _ = ftruncate(fd, before) }
                return "cannot \(what) \(path): \(reason)"
            }
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return undo("write") }
                written += n
            }
            guard fsync(fd) == 0 else { return undo("sync") }
            return nil
        }
    }

    /// Every kept alert with its notification's name, in the order kept; the file is
    /// removed once read. Lines that do not parse are returned in `unreadable`.
    func takeAll() -> (alerts: [(name: String, alert: NotifiedAlert)], unreadable: Int, error: String?) {
        guard let file = fopen(path, "r") else {
            return ([], 0, errno == ENOENT ? nil : "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        fclose(file)
        var alerts: [(name: String, alert: NotifiedAlert)] = []
        var unreadable = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
            // An alert's JSON is one object: a line cut short would spoil its whole batch's text.
            guard fields.count == 3, let id = Int64(String(decoding: fields[1], as: UTF8.self)),
                fields[2].first == UInt8(ascii: "{"), fields[2].last == UInt8(ascii: "}")
            else {
                unreadable += 1
                continue
            }
            alerts.append((
                Self.unescape(String(decoding: fields[0], as: UTF8.self)),
                NotifiedAlert(id: id, json: String(decoding: fields[2], as: UTF8.self))))
        }
        guard unlink(path) == 0 else {
            // Kept alerts would be sent again at every start: say so rather than resend them.
            return ([], 0, "cannot remove \(path) after reading it: \(String(cString: strerror(errno))); "
                + "remove it by hand, its \(alerts.count) alert(s) are not resent")
        }
        return (alerts, unreadable, nil)
    }

    private static func escape(_ name: String) -> String {
        name.replacingPercentEscapes(["%": "%25", "\t": "%09", "\n": "%0A"])
    }

    private static func unescape(_ name: String) -> String {
        name.replacingPercentEscapes(["%09": "\t", "%0A": "\n", "%25": "%"])
    }
}

private extension String {
    /// Each key of `table` replaced by its value, scanning left to right.
    func replacingPercentEscapes(_ table: KeyValuePairs<String, String>) -> String {
        var out = ""
        var rest = Substring(self)
        outer: while !rest.isEmpty {
            for (key, value) in table where rest.hasPrefix(key) {
                out += value
                rest = rest.dropFirst(key.count)
                continue outer
            }
            out.append(rest.removeFirst())
        }
        return out
    }
}

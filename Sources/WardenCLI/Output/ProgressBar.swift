/// A one-line progress bar redrawn in place (`\r`) on standard error, shown only when
/// standard error is a terminal: a log file or a pipe gets no control characters.
struct ProgressBar {
    private let write: (String) -> Void
    private let total: Int
    private let label: String
    private var shownPercent = -1

    /// A bar for `total` steps, or one that draws nothing when `enabled` is false.
    init(label: String, total: Int, enabled: Bool, write: @escaping (String) -> Void) {
        self.label = label
        self.total = total
        self.write = enabled ? write : { _ in }
    }

    /// Shows `done` of the total; redraws only when the percentage changes.
    mutating func update(_ done: Int) {
        let percent = total == 0 ? 100 : done * 100 / total
        guard percent != shownPercent else { return }
        shownPercent = percent
        let filled = percent * 30 / 100
        write("\r\(label) [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] "
            + "\(percent)% \(done)/\(total)")
    }

    /// Replaces the bar with `text` (a phase that has no steps to count).
    func status(_ text: String) {
        write("\r\u{1B}[K\(text)")
    }

    /// Erases the bar.
    func finish() {
        write("\r\u{1B}[K")
    }
}

import WardenStore

/// How `ban del` and `ban flush` report what each backend removed.
extension BackendOutcomes where Value == Int {
    /// The most any backend removed: what a person means by "how many were deleted"
    /// when the backends hold the same bans.
    var mostRemoved: Int { succeeded.map(\.value).max() ?? 0 }

    /// `1 in sqlite, 0 in mysql`
    var perBackendText: String {
        succeeded.map { "\($0.value) in \($0.backend)" }.joined(separator: ", ")
    }

    /// The JSON pairs `"deleted": N, "backends": {"sqlite": N, ...}`.
    var jsonPairs: [(String, String)] {
        [
            ("deleted", String(mostRemoved)),
            ("backends", JSONText.object(succeeded.map { ($0.backend, String($0.value)) }, indent: "  ")),
        ]
    }
}

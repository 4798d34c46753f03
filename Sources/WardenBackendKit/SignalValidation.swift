import CWardenBackend

extension RawSignal {
    /// Refuses the signal when one of its bans has an unknown scope or an empty target.
    /// Run before anything is stored, so a bad ban anywhere in the signal leaves the
    /// storage untouched: `insert` is all or nothing (`warden_backend.h`).
    /// - Throws: ``BackendError`` with status `.invalid` naming the ban and what is wrong.
    func checkBans() throws {
        for (i, ban) in bans.enumerated() {
            guard ban.scope == WARDEN_SCOPE_IP || ban.scope == WARDEN_SCOPE_RANGE else {
                throw BackendError(.invalid, "insert: ban \(i + 1) of \(bans.count) has scope \(ban.scope), which is "
                    + "neither WARDEN_SCOPE_IP (1) nor WARDEN_SCOPE_RANGE (2); the signal was not stored, "
                    + "send it again with a valid scope")
            }
            guard ban.target.len > 0 else {
                throw BackendError(.invalid, "insert: ban \(i + 1) of \(bans.count) has an empty target; the signal "
                    + "was not stored, send it again with the target's canonical text")
            }
        }
    }
}

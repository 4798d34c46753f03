import Synchronization
import WardenBackendHost

/// Group commit for one backend: batches of inserts that reached the backend one after
/// the other are made durable by one flush, not one each.
///
/// Each batch inserted gets a ticket (in insert order, on the backend's worker). Its flush
/// then finds one of three things: a flush that began after its inserts already succeeded
/// (nothing to do: that flush committed them), or failed (the batch fails with that
/// error: its rows may be gone), or neither (it flushes, for itself and every batch
/// inserted before this flush). On a serial worker, concurrent requests thus share one
/// commit (one fsync) for what arrived while the previous one was being written, and
/// no batch is reported stored unless a flush that followed its inserts succeeded.
final class GroupCommit: Sendable {
    /// Batches a failed flush covered, with its error.
    private struct Loss {
        var tickets: ClosedRange<UInt64>
        var error: BackendCallError
    }

    private struct State {
        /// Tickets handed out: the last batch inserted.
        var inserted: UInt64 = 0
        /// Every batch up to this ticket met a flush (the first one after its inserts).
        var flushed: UInt64 = 0
        /// The batches whose first flush failed, newest last (the last ``keptLosses``).
        var losses: [Loss] = []
        /// Forgotten losses cover no ticket above this one.
        var forgottenThrough: UInt64 = 0
    }

    /// Losses remembered. A batch older than the oldest is reported failed when it asks,
    /// never stored: a retry may then store it twice, but nothing is lost unreported.
    private static var keptLosses: Int { 256 }

    private let state = Mutex(State())

    /// The ticket of a batch whose inserts just succeeded.
    func inserted() -> UInt64 {
        state.withLock { state in
            state.inserted += 1
            return state.inserted
        }
    }

    /// Makes the batch of `ticket` durable: nothing if the flush that first followed its
    /// inserts succeeded, that flush's error if it failed (a later success does not bring
    /// the batch back), else `flush()`, which then covers every batch inserted so far.
    /// Called on the backend's worker, so two flushes never run at once.
    func commit(_ ticket: UInt64, flush: () throws(BackendCallError) -> Void) throws(BackendCallError) {
        let (covering, failure) = state.withLock { state -> (ClosedRange<UInt64>?, BackendCallError?) in
            guard ticket > state.flushed else {
                if let loss = state.losses.last(where: { $0.tickets.contains(ticket) }) { return (nil, loss.error) }
                if ticket <= state.forgottenThrough, let oldest = state.losses.first { return (nil, oldest.error) }
                return (nil, nil)
            }
            return (state.flushed + 1...state.inserted, nil)
        }
        if let failure { throw failure }
        guard let covering else { return }
        do {
            try flush()
            state.withLock { $0.flushed = max($0.flushed, covering.upperBound) }
        } catch {
            state.withLock { state in
                state.flushed = max(state.flushed, covering.upperBound)
                state.losses.append(Loss(tickets: covering, error: error))
                if state.losses.count > Self.keptLosses {
                    state.forgottenThrough = state.losses.removeFirst().tickets.upperBound
                }
            }
            throw error
        }
    }
}

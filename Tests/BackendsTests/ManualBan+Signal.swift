import WardenEngine
import WardenModel

extension ManualBan {
    /// The signal the engine records for this ban at `now` (``Signals/manual(_:at:)``).
    func signal(at now: Int64) -> SignalOrder { Signals.manual(self, at: now) }
}

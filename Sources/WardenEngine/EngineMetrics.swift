/// What the engine counts, as the daemon's metrics take it (a plain dependency: the
/// engine never sees a metrics library).
public protocol EngineMetrics: Sendable {
    /// `count` new alerts arrived from `machine`.
    func alertsReceived(machine: String, count: Int)
    /// A decision was dropped because the allowlist covers its target.
    func allowlistRefused()
    /// The decision book gained `count` bans of `origin`, read from `backend`.
    func bansCreated(origin: String, backend: String, count: Int)
    /// The decision book lost `count` bans of `origin`, read from `backend`.
    func bansDeleted(origin: String, backend: String, count: Int)
    /// A machine login was answered with `outcome`.
    func machineLogin(_ outcome: MachineLogin.Outcome)
}

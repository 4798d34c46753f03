import Logging
import ServiceLifecycle
import UnixSignals
import WardenAllowlist
import WardenAPI
import WardenEngine
import WardenStore

/// The daemon's small chores: record what was seen of bouncers and machines every few
/// seconds, reread the allowlist, the bouncers and the machines within a second of a
/// change (those two on a thread of their own: in the identity backend, a look is a
/// round trip to the storage), and on SIGHUP reload what
/// can change without a restart (bouncer keys, machines, the allowlist), saying what changed.
final class Housekeeping: Service {
    private let bouncers: BouncerRegistry
    private let machines: MachineRegistry
    private let allowlist: LiveAllowlist
    private let logger: Logger

    init(bouncers: BouncerRegistry, machines: MachineRegistry, allowlist: LiveAllowlist, logger: Logger) {
        self.bouncers = bouncers
        self.machines = machines
        self.allowlist = allowlist
        self.logger = logger
    }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.reloadOnHangUp() }
            group.addTask { await self.recordSightings() }
            group.addTask { await self.followAllowlist() }
            group.addTask { await self.followIdentities() }
            await group.waitForAll()
        }
        bouncers.saveSightings()
        machines.saveSightings()
    }

    private func reloadOnHangUp() async {
        await cancelWhenGracefulShutdown {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                self.logger.info("SIGHUP: reloading bouncer keys, machines and the allowlist")
                do {
                    try self.bouncers.reload()
                    self.logger.info("bouncer keys: \(self.bouncers.count) registered")
                } catch {
                    self.logger.error("\(error); keeping the previous bouncer keys")
                }
                do {
                    try self.machines.reload()
                    self.logger.info("machines: \(self.machines.count) registered")
                } catch {
                    self.logger.error("\(error); keeping the previous machines")
                }
                do {
                    try self.allowlist.reload(force: true)
                    self.logger.info("allowlist: \(self.allowlist.current.entries.count) entries from \(self.allowlist.path)")
                } catch {
                    self.logger.error("\(error); keeping the previous allowlist")
                }
            }
        }
    }

    /// A `stat` of the allowlist file every second; a reload when it changed.
    private func followAllowlist() async {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(1))
                self.allowlist.reloadIfChanged()
            }
        }
    }

    /// Every second, whether the bouncers or the machines changed (another node or the CLI
    /// registered one); a reload when they did.
    private func followIdentities() async {
        let worker = SerialWorker(label: "identities")
        defer { worker.stop() }
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(1))
                await worker.run { [bouncers = self.bouncers, machines = self.machines] in
                    bouncers.refresh()
                    machines.refresh()
                }
            }
        }
    }

    private func recordSightings() async {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(5))
                self.bouncers.saveSightings()
                self.machines.saveSightings()
            }
        }
    }
}

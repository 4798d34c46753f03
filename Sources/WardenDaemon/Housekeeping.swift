import Logging
import ServiceLifecycle
import UnixSignals
import WardenAPI

/// The daemon's small chores: record what was seen of bouncers and machines every few
/// seconds, and on SIGHUP reload what can change without a restart (bouncer keys,
/// machines), saying what changed.
final class Housekeeping: Service {
    private let bouncers: BouncerRegistry
    private let machines: MachineRegistry
    private let logger: Logger

    init(bouncers: BouncerRegistry, machines: MachineRegistry, logger: Logger) {
        self.bouncers = bouncers
        self.machines = machines
        self.logger = logger
    }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.reloadOnHangUp() }
            group.addTask { await self.recordSightings() }
            await group.waitForAll()
        }
        bouncers.saveSightings()
        machines.saveSightings()
    }

    private func reloadOnHangUp() async {
        try? await cancelWhenGracefulShutdown {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                self.logger.info("SIGHUP: reloading bouncer keys and machines")
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

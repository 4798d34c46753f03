import ServiceLifecycle
import WardenEngine

/// The engine's decision book kept fresh as a service of the daemon's group: a refresh
/// every interval until graceful shutdown (see ``Engine/followStore(every:)``).
struct BookFollower: Service {
    let engine: Engine
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await engine.followStore(every: interval)
        }
    }
}

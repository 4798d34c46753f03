import Logging
import WardenModel
import WardenConfig
import WardenBackendHost
import WardenStore

/// The behaviour every Warden backend must show, run through the ABI exactly
/// as the CLI and the daemon drive it (library opened with `dlopen`).
///
/// Give it how to configure an instance for a given store id: instances made
/// with the same id must share storage (same file, same database, same memory
/// store), and different ids must not see each other. Then run every
/// ``Check``; each throws ``ConformanceFailure`` on the first broken promise.
///
/// ```swift
/// let suite = BackendConformance(name: "sqlite", library: path) { id in ["db_path": dir + "/\(id).db"] }
/// for check in BackendConformance.Check.allCases { try suite.run(check) }
/// ```
public struct BackendConformance: Sendable {
    public let name: String
    public let libraryPath: String
    public let config: @Sendable (String) -> [String: String]
    /// A config that `init` must refuse with an error (never a crash).
    public let invalidConfig: [String: String]
    public let logger: Logger

    public init(
        name: String, library: String, invalidConfig: [String: String] = [:], logger: Logger? = nil,
        config: @escaping @Sendable (String) -> [String: String]
    ) {
        self.name = name
        self.libraryPath = library
        self.invalidConfig = invalidConfig
        self.config = config
        self.logger = logger ?? Logger(label: "warden.conformance") { _ in SwiftLogNoOpLogHandler() }
    }

    /// The promises, one per case.
    public enum Check: String, CaseIterable, Sendable {
        case insertThenRead, readYourWrites, ipv6AndRanges, expiryUsesGivenTime, alreadyExpiredIsHidden
        case newBanStacksOnLiveOne, shorterBanDoesNotEndLongerOne, deleteEndsEveryBanOfTarget, simulatedBansAreNeverLive
        case deleteReturnsCount, deleteKeepsHistory
        case deleteAllReturnsCount, flushMakesVisibleToSecondInstance, storesAreIsolated, shutdownIsIdempotent
        case autoCommitThenShutdownKeepsData, invalidConfigIsAnError, maintenanceExpiresAndPurges
        case manyBansRoundTrip, textIsKeptExactly, severalBansInOneSignal
        case pastReadSkipsLaterBans, pastReadShowsLaterDeletes, pastReadShowsStackedBans, sweptBanStaysInThePast
        case rowsComeNewestFirst, sinkStopEndsTheRead, deleteSkipsExpiredBan, deleteTwiceBeforeFlush
        case multiBanInsertIsAllOrNothing, retentionAgeCountsFromCreation
        case feedSnapshotListsLiveBans, feedReportsAddsAndDeletes, feedReportsStackedBan, feedIgnoresExpirySweep
        case feedReportsDeleteAll, feedReachesSecondInstance, feedCursorGrows, feedRefusesStaleCursor
        case feedForgetsOldHistory, feedPurgeAfterCursorIsStaleOrExact, feedKeepsUpWithConcurrentWriters
        case historyCountsContainingBans, historyReadsSignalsBack, historyFiltersSignals
        case historyDeleteSignalEndsItsBans, historyDeleteBanEndsOneBan, historyShowsHowBansEnded
        case historyInsertSignalGivesTheListedID
        case documentsStartAbsent, documentsRoundTrip, documentsCompareAndSwap, documentsSharedBetweenInstances
        case documentsRefuseInvalidArguments, documentsAreNotBans, documentWriteKeepsBufferedInserts
    }

    /// Runs one check against fresh storage.
    public func run(_ check: Check) throws {
        let world = World(suite: self, id: "\(check.rawValue)-\(UInt64.random(in: 0...UInt64.max))")
        try check.body(world)
    }
}

/// A broken promise: which check, and what was seen.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public var description: String
}

/// The context of one check: a clock, and instances on one storage id.
struct World {
    let suite: BackendConformance
    let id: String
    let clock = ManualClock()

    /// A configured instance on this check's storage.
    func instance(extra: [String: String] = [:], flush: Bool = false) throws -> LoadedBackend {
        let file = BackendConfigFile(
            name: suite.name, libraryPath: suite.libraryPath, config: suite.config(id).merging(extra) { _, new in new },
            file: "<conformance>")
        return try BanStore.load(
            file, injected: ["flush": flush ? "true" : "false"], logger: suite.logger, clock: clock.closure,
            allowUnsafeFiles: true)
    }

    /// A one-ban signal created now, as a scenario decides it: every field filled
    /// (scenario apart from reason, country, AS) so round trips check them all.
    func signal(
        _ target: String, seconds: Int64, reason: String = "ssh bruteforce", events: Int64 = 1, action: String = "ban"
    ) throws -> SignalOrder {
        try signal(bans: [target], seconds: seconds, reason: reason, events: events, action: action)
    }

    /// A signal created now carrying one ban per target, in order.
    func signal(
        bans targets: [String], seconds: Int64, reason: String = "ssh bruteforce", events: Int64 = 1,
        action: String = "ban"
    ) throws -> SignalOrder {
        let now = clock.now
        let bans = try targets.map { target in
            BanOrder(
                target: target.contains("/") ? try BanTarget.parseRange(target) : try BanTarget.parseIP(target),
                untilNs: now + seconds * 1_000_000_000, reason: reason, scenario: "crowdsecurity/ssh-bf",
                action: action, origin: "cli", country: "FR", asName: "Example Net", asNumber: 64500)
        }
        return SignalOrder(
            scenario: "crowdsecurity/ssh-bf", message: "ban \(targets.joined(separator: ", "))",
            source: targets.joined(separator: ", "), eventsCount: events, startNs: now, stopNs: now, createdNs: now,
            bans: bans)
    }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw ConformanceFailure(description: message()) }
    }

    /// Targets of the bans active at `at` (default now), sorted.
    func targets(_ backend: LoadedBackend, at: Int64? = nil) throws -> [String] {
        try backend.read(at: at ?? clock.now).map(\.target).sorted()
    }
}

extension BackendConformance.Check {
    var body: (World) throws -> Void {
        switch self {
        case .insertThenRead: return Checks.insertThenRead
        case .readYourWrites: return Checks.readYourWrites
        case .ipv6AndRanges: return Checks.ipv6AndRanges
        case .expiryUsesGivenTime: return Checks.expiryUsesGivenTime
        case .alreadyExpiredIsHidden: return Checks.alreadyExpiredIsHidden
        case .newBanStacksOnLiveOne: return Checks.newBanStacksOnLiveOne
        case .shorterBanDoesNotEndLongerOne: return Checks.shorterBanDoesNotEndLongerOne
        case .deleteEndsEveryBanOfTarget: return Checks.deleteEndsEveryBanOfTarget
        case .simulatedBansAreNeverLive: return Checks.simulatedBansAreNeverLive
        case .deleteReturnsCount: return Checks.deleteReturnsCount
        case .deleteKeepsHistory: return Checks.deleteKeepsHistory
        case .deleteAllReturnsCount: return Checks.deleteAllReturnsCount
        case .flushMakesVisibleToSecondInstance: return Checks.flushMakesVisibleToSecondInstance
        case .storesAreIsolated: return Checks.storesAreIsolated
        case .shutdownIsIdempotent: return Checks.shutdownIsIdempotent
        case .autoCommitThenShutdownKeepsData: return Checks.autoCommitThenShutdownKeepsData
        case .invalidConfigIsAnError: return Checks.invalidConfigIsAnError
        case .maintenanceExpiresAndPurges: return Checks.maintenanceExpiresAndPurges
        case .manyBansRoundTrip: return Checks.manyBansRoundTrip
        case .textIsKeptExactly: return Checks.textIsKeptExactly
        case .severalBansInOneSignal: return Checks.severalBansInOneSignal
        case .pastReadSkipsLaterBans: return Checks.pastReadSkipsLaterBans
        case .pastReadShowsLaterDeletes: return Checks.pastReadShowsLaterDeletes
        case .pastReadShowsStackedBans: return Checks.pastReadShowsStackedBans
        case .sweptBanStaysInThePast: return Checks.sweptBanStaysInThePast
        case .rowsComeNewestFirst: return Checks.rowsComeNewestFirst
        case .sinkStopEndsTheRead: return Checks.sinkStopEndsTheRead
        case .deleteSkipsExpiredBan: return Checks.deleteSkipsExpiredBan
        case .deleteTwiceBeforeFlush: return Checks.deleteTwiceBeforeFlush
        case .multiBanInsertIsAllOrNothing: return Checks.multiBanInsertIsAllOrNothing
        case .retentionAgeCountsFromCreation: return Checks.retentionAgeCountsFromCreation
        case .feedSnapshotListsLiveBans: return Checks.feedSnapshotListsLiveBans
        case .feedReportsAddsAndDeletes: return Checks.feedReportsAddsAndDeletes
        case .feedReportsStackedBan: return Checks.feedReportsStackedBan
        case .feedIgnoresExpirySweep: return Checks.feedIgnoresExpirySweep
        case .feedReportsDeleteAll: return Checks.feedReportsDeleteAll
        case .feedReachesSecondInstance: return Checks.feedReachesSecondInstance
        case .feedCursorGrows: return Checks.feedCursorGrows
        case .feedRefusesStaleCursor: return Checks.feedRefusesStaleCursor
        case .feedForgetsOldHistory: return Checks.feedForgetsOldHistory
        case .feedPurgeAfterCursorIsStaleOrExact: return Checks.feedPurgeAfterCursorIsStaleOrExact
        case .feedKeepsUpWithConcurrentWriters: return Checks.feedKeepsUpWithConcurrentWriters
        case .historyCountsContainingBans: return Checks.historyCountsContainingBans
        case .historyReadsSignalsBack: return Checks.historyReadsSignalsBack
        case .historyFiltersSignals: return Checks.historyFiltersSignals
        case .historyDeleteSignalEndsItsBans: return Checks.historyDeleteSignalEndsItsBans
        case .historyDeleteBanEndsOneBan: return Checks.historyDeleteBanEndsOneBan
        case .historyShowsHowBansEnded: return Checks.historyShowsHowBansEnded
        case .historyInsertSignalGivesTheListedID: return Checks.historyInsertSignalGivesTheListedID
        case .documentsStartAbsent: return Checks.documentsStartAbsent
        case .documentsRoundTrip: return Checks.documentsRoundTrip
        case .documentsCompareAndSwap: return Checks.documentsCompareAndSwap
        case .documentsSharedBetweenInstances: return Checks.documentsSharedBetweenInstances
        case .documentsRefuseInvalidArguments: return Checks.documentsRefuseInvalidArguments
        case .documentsAreNotBans: return Checks.documentsAreNotBans
        case .documentWriteKeepsBufferedInserts: return Checks.documentWriteKeepsBufferedInserts
        }
    }
}

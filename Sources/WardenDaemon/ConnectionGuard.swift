import HummingbirdCore
import NIOHTTPTypes
import Logging
import NIOCore
import Synchronization
import WardenConfig
import WardenMetrics

/// Keeps one Local API connection within ``ServerLimits``: a client that sends half a
/// request and stops, or holds an idle connection open, is closed when its deadline
/// passes, and an address past its connection bound is closed at once. It sits after the
/// HTTP decoder, so it sees whole request heads and body parts:
/// - from the accept until the first request's head: `read_header_timeout`;
/// - from a head until its body's end: `read_body_timeout`;
/// - from an answer's end until the next head: `idle_timeout` (which therefore also
///   bounds a kept-alive connection's later heads);
/// - while Warden works on a request or writes its answer: no deadline.
/// One instance per connection, on its event loop.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ServerLimits
    private let addresses: AddressTable
    private let metrics: DaemonMetrics
    /// The peer's address once counted in `addresses` (released when the connection goes).
    private var counted: String?
    private var started = false
    /// Requests whose head arrived and whose answer has not ended (HTTP/1.1 may pipeline).
    private var inProgress = 0
    private var readingBody = false
    /// When the connection is closed unless the phase changes first, and why; nil while
    /// Warden works on a request.
    private var deadline: (at: NIODeadline, reason: String)?
    /// The one timer that checks `deadline`. Kept across phase changes (a request moves the
    /// deadline, never the timer), so a kept-alive bouncer's lookups schedule nothing:
    /// when it fires early, it sleeps again until the deadline it finds.
    private var timer: Scheduled<Void>?
    /// When `timer` fires.
    private var timerAt = NIODeadline.distantFuture

    init(limits: ServerLimits, addresses: AddressTable, metrics: DaemonMetrics) {
        self.limits = limits
        self.addresses = addresses
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inProgress += 1
            readingBody = true
            arm(context, limits.readBodyTimeoutNs, reason: "body_timeout")
        case .body:
            break
        case .end:
            readingBody = false
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inProgress = max(0, inProgress - 1)
            if inProgress == 0 && !readingBody { arm(context, limits.idleTimeoutNs, reason: "idle_timeout") }
        }
        context.write(data, promise: promise)
    }

    /// Counts the connection against its address (closing it past the bound) and starts
    /// the first head's deadline. Runs once, whichever of added or active comes last.
    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let address = context.channel.remoteAddress?.ipAddress ?? ""
        guard addresses.open(address, limit: limits.maxConnectionsPerAddress) else {
            metrics.connectionClosed(reason: "per_ip_limit")
            context.close(promise: nil)
            return
        }
        counted = address
        arm(context, limits.readHeaderTimeoutNs, reason: "header_timeout")
    }

    private func release() {
        deadline = nil
        timer?.cancel()
        timer = nil
        if let address = counted {
            addresses.close(address)
            counted = nil
        }
    }

    /// Moves the deadline to `ns` from now (0: none) for `reason`, starting the timer if
    /// none runs.
    private func arm(_ context: ChannelHandlerContext, _ ns: Int64, reason: String) {
        guard ns > 0 else {
            deadline = nil
            return
        }
        let at = NIODeadline.now() + .nanoseconds(ns)
        deadline = (at, reason)
        // Deadlines mostly move later (a timer that fires early sleeps again); only an
        // earlier one than the timer's needs a new timer.
        if timer == nil || at < timerAt {
            timer?.cancel()
            schedule(context, at: at)
        }
    }

    private func schedule(_ context: ChannelHandlerContext, at: NIODeadline) {
        timerAt = at
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [self] in
            timer = nil
            guard let deadline else { return }  // working on a request: the next phase re-arms
            guard NIODeadline.now() >= deadline.at else {
                schedule(context, at: deadline.at)
                return
            }
            metrics.connectionClosed(reason: deadline.reason)
            context.close(promise: nil)
        }
    }
}

/// The Local API's open connections per peer address, shared by every event loop, with
/// one log line per address and minute while an address is turned away.
final class AddressTable: Sendable {
    private struct State {
        var open: [String: Int] = [:]
        /// When each address was last reported as past its bound.
        var reported: [String: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Counts a new connection from `address`; false (counting nothing) when `address`
    /// already holds `limit` (0: no bound).
    func open(_ address: String, limit: Int) -> Bool {
        let now = ContinuousClock.now
        let (admitted, report) = state.withLock { state -> (Bool, Bool) in
            let held = state.open[address, default: 0]
            guard limit == 0 || held < limit else {
                let report = state.reported[address].map { now - $0 >= .seconds(60) } ?? true
                if report { state.reported[address] = now }
                return (false, report)
            }
            state.open[address] = held + 1
            return (true, false)
        }
        if report {
            logger.warning(
                "Local API: closing new connections from \(address): it holds \(limit) already (api.server.max_connections_per_ip); reported once a minute while it lasts")
        }
        return admitted
    }

    /// Forgets one connection from `address`.
    func close(_ address: String) {
        state.withLock { state in
            let held = state.open[address, default: 1] - 1
            state.open[address] = held > 0 ? held : nil
            if held <= 0 { state.reported[address] = nil }
        }
    }
}

/// The total bound (`api.server.max_connections`): past it, the server stops accepting
/// until a connection closes, so new clients wait in the listen backlog instead of being
/// refused; a warning says when that starts and a line when it ends.
struct ConnectionBudget: AvailableConnectionsDelegate {
    let limit: Int
    let logger: Logger
    private var open = 0
    private var full = false

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    mutating func connectionOpened() {
        open += 1
        if open >= limit && !full {
            full = true
            logger.warning(
                "Local API: \(open) connections open, the bound of api.server.max_connections; new connections wait until some close")
        }
    }

    mutating func connectionClosed() {
        open -= 1
        if full && open < limit {
            full = false
            logger.info("Local API: below api.server.max_connections (\(limit)) again; accepting connections")
        }
    }

    func isAcceptingNewConnections() -> Bool { open < limit }
}

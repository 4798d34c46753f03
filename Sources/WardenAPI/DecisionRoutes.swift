import Hummingbird
import Logging
import WardenDecisions
import WardenEngine
import WardenMetrics
import WardenModel

/// `GET`/`HEAD /v1/decisions` and `/v1/decisions/stream`, answered from the
/// ``DecisionBook`` with LAPI 1.4.6's bodies.
struct DecisionRoutes {
    let book: DecisionBook
    let metrics: DaemonMetrics
    let clock: @Sendable () -> Int64
    /// Stream answers shared by pulls that ask for the same thing at once.
    let sharedAnswers = SharedStreamAnswers<DecisionsBody>()

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("decisions") { request, context in try live(request, context, head: false) }
        group.head("decisions") { request, context in try live(request, context, head: true) }
        group.get("decisions/stream") { request, context in try stream(request, context) }
        // LAPI 1.5+ answers HEAD on the stream at once, without moving the bouncer's position.
        group.head("decisions/stream") { _, _ in Response(status: .ok) }
        // DELETE /v1/decisions is a machine route (AlertHistoryRoutes).
        for (path, methods) in [("decisions", [HTTPRequest.Method.post, .put, .patch]), ("decisions/stream", [.post, .put, .delete, .patch])] {
            for method in methods {
                group.on(RouterPath(path), method: method) { _, _ -> Response in throw APIError.methodNotAllowed }
            }
        }
    }

    private func live(_ request: Request, _ context: APIRequestContext, head: Bool) throws -> Response {
        let items = queryItems(request)
        let filter = try parse { () throws(InputError) in try DecisionFilter(liveQuery: items) }
        let body = book.liveBody(
            filter: filter, dedup: DecisionFilter.isDeduplicated(items, byDefault: false), now: clock())
        metrics.bouncerPull(bouncer: context.bouncer ?? "", route: "/v1/decisions")
        if head { return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"]) }
        return DecisionsBody(body).response(to: request)
    }

    private func stream(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let items = queryItems(request)
        let filter = try parse { () throws(InputError) in try DecisionFilter(streamQuery: items) }
        let body = book.streamBody(
            bouncer: context.bouncer ?? "", startup: DecisionFilter.isStartup(items), filter: filter,
            dedup: DecisionFilter.isDeduplicated(items, byDefault: true), now: clock(), sharing: sharedAnswers
        ) { changes, now in
            var bytes: [UInt8] = []
            // A decision takes about 140 bytes (more with IPv6 values or long scenarios);
            // reserving too little made a 100k startup answer grow once more, copying its
            // 13 MB, while pages reserved and never written cost nothing.
            bytes.reserveCapacity(64 + (changes.new.count + changes.deleted.count) * 192)
            DecisionJSON.appendStream(changes, nowNs: now, to: &bytes)
            return DecisionsBody(bytes)
        }
        metrics.bouncerPull(bouncer: context.bouncer ?? "", route: "/v1/decisions/stream")
        return body.response(to: request)
    }

    /// A malformed parameter is a 400 with LAPI's `{"message": ...}` shape.
    private func parse(_ body: () throws(InputError) -> DecisionFilter) throws -> DecisionFilter {
        do throws(InputError) {
            return try body()
        } catch {
            throw APIError(.badRequest, message: error.message)
        }
    }

    /// The query's items, percent-decoded, in order (repeated names kept).
    private func queryItems(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

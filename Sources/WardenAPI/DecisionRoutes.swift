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
        return .json(body)
    }

    private func stream(_ request: Request, _ context: APIRequestContext) throws -> Response {
        let items = queryItems(request)
        let filter = try parse { () throws(InputError) in try DecisionFilter(streamQuery: items) }
        let body = book.streamBody(
            bouncer: context.bouncer ?? "", startup: DecisionFilter.isStartup(items), filter: filter,
            dedup: DecisionFilter.isDeduplicated(items, byDefault: true), now: clock())
        metrics.bouncerPull(bouncer: context.bouncer ?? "", route: "/v1/decisions/stream")
        return .json(body)
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

import Hummingbird
import WardenMetricNames
import WardenMetrics

/// Counts every request by route template, method and status, and times it, into
/// ``DaemonMetrics``. The route is the template the router matched (`/v1/decisions`),
/// never the raw path, so a client cannot grow the label set; a path no route serves
/// is `unmatched`, an unusual method `other`. First in the chain, so refused keys
/// (403) are counted too.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: DaemonMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, start: start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            record(request, context, status: 500, start: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        // Hummingbird names the path of its not-found responder "NotFound"; routes start with "/".
        let route = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? WardenMetricNames.unmatchedRoute
        metrics.request(
            route: route, method: Self.label(of: request.method),
            status: status, duration: ContinuousClock.now - start)
    }

    /// A client may send any token as its method: the unusual ones are all `other`.
    private static func label(of method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .patch, .options: method.rawValue
        default: "other"
        }
    }
}

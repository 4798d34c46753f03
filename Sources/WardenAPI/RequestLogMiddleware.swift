import Hummingbird
import Logging

/// One debug line per request: method, path, status, time taken, the answer's
/// `Content-Encoding` when it has one, the peer and its user agent.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let logger: Logger
    let clock: @Sendable () -> Int64

    func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard logger.logLevel <= .debug else { return try await next(request, context) }
        let start = clock()
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, start: start, encoding: response.headers[.contentEncoding])
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            log(request, context, status: 500, start: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: APIRequestContext, status: Int, start: Int64, encoding: String? = nil) {
        let micros = (clock() - start) / 1000
        logger.debug(
            "\(request.method) \(request.uri.path) \(status) \(micros)µs\(encoding.map { " " + $0 } ?? "") from \(context.peerAddress) (\(request.headers[.userAgent] ?? "no user agent"))")
    }
}

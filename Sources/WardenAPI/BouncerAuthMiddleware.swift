import HTTPTypes
import Hummingbird
import WardenEngine

/// Lets a request through only with the `X-Api-Key` of a registered bouncer, as
/// LAPI's bouncer routes do: 403 `{"message":"access forbidden"}` otherwise.
struct BouncerAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let registry: BouncerRegistry
    let clock: @Sendable () -> Int64

    static let keyHeader = HTTPField.Name("X-Api-Key")!

    func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let key = request.headers[Self.keyHeader],
              let name = registry.authenticate(
                key: key, address: context.peerAddress, userAgent: request.headers[.userAgent] ?? "", now: clock())
        else {
            throw APIError.forbidden
        }
        var context = context
        context.bouncer = name
        return try await next(request, context)
    }
}

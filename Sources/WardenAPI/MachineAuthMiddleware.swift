import HTTPTypes
import Hummingbird
import WardenEngine
import WardenMachines

/// Lets a request through only with a valid machine token, looked up where LAPI looks:
/// `Authorization: Bearer`, then `?token=`, then the `jwt` cookie. Otherwise a 401 with
/// LAPI's message (`cookie token is empty` when none was found, since the cookie is
/// looked at last).
struct MachineAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let registry: MachineRegistry
    let clock: @Sendable () -> Int64

    func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let token = Self.token(in: request) else { throw MachineAuthError(message: "cookie token is empty") }
        let now = clock()
        let machine: String
        do throws(MachineTokenError) {
            machine = try registry.tokens.verify(token, nowSeconds: now / 1_000_000_000)
        } catch {
            throw MachineAuthError(message: error.message)
        }
        // Unlike LAPI, a deleted machine's tokens stop working at once.
        guard registry.isRegistered(machine, now: now) else { throw MachineAuthError(message: "ent: machine not found") }
        var context = context
        context.machine = machine
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == "Bearer", !parts[1].isEmpty { return String(parts[1]) }
        }
        if let query = request.uri.queryParameters["token"], !query.isEmpty { return String(query) }
        for cookie in request.headers[values: .cookie].flatMap({ $0.split(separator: ";") }) {
            let pair = cookie.drop { $0 == " " }.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2, pair[0] == "jwt", !pair[1].isEmpty { return String(pair[1]) }
        }
        return nil
    }
}

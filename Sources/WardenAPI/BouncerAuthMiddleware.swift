import HTTPTypes
import Hummingbird
import Logging
import WardenCertificates
import WardenEngine

/// Lets a request through only from a registered bouncer, as LAPI's bouncer routes do:
/// 403 `{"message":"access forbidden"}` otherwise. A client that presented a TLS
/// certificate is judged by it alone (a verified certificate with an OU of
/// `bouncers_allowed_ou` is bouncer `CN@ADDRESS`, registered on first use); any other
/// client by its `X-Api-Key`.
struct BouncerAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let registry: BouncerRegistry
    let certificates: ClientCertificateCheck?
    let logger: Logger
    let clock: @Sendable () -> Int64

    static let keyHeader = HTTPField.Name("X-Api-Key")!

    func handle(
        _ request: Request, context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        let now = clock()
        switch await PeerCertificate.of(context, check: certificates, role: .bouncer, nowNs: now) {
        case .absent:
            break
        case .refused(let reason):
            logger.warning("bouncer request from \(context.peerAddress) refused: \(reason)")
            throw APIError.forbidden
        case .identified(let commonName):
            guard let name = registry.authenticate(
                certificateName: commonName, address: context.peerAddress, userAgent: request.headers[.userAgent] ?? "", now: now)
            else { throw APIError.forbidden }
            var context = context
            context.bouncer = name
            return try await next(request, context)
        }
        guard let key = request.headers[Self.keyHeader],
              let name = registry.authenticate(
                key: key, address: context.peerAddress, userAgent: request.headers[.userAgent] ?? "", now: now)
        else {
            throw APIError.forbidden
        }
        var context = context
        context.bouncer = name
        return try await next(request, context)
    }
}

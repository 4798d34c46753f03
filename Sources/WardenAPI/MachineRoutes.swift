import Crypto
import Hummingbird
import Logging
import WardenCertificates
import WardenConfig
import WardenDecisions
import WardenEngine
import WardenMachines
import WardenModel

/// The machine routes an agent and `cscli` use, with LAPI 1.4.6's answers:
/// - `POST /v1/watchers`: registration (`cscli lapi register`), unvalidated; 201, no body;
///   with a `registration_token` that `api.server.auto_registration` accepts, validated; 202.
/// - `POST /v1/watchers/login`: 200 `{"code":200,"expire":"…","token":"…"}` or a 401; a
///   client with a TLS certificate logs in as `CN@ADDRESS` by it alone (name and password ignored);
///   429 `{"message":"…"}` with `Retry-After` while failed logins hold the address or the
///   name back (``MachineLogin``; LAPI has no throttle, and its agent retries either answer).
/// - `GET /v1/heartbeat`: token; 200, no body.
/// - `DELETE /v1/watchers/self` (LAPI 1.6.9): token; removes the machine; 204, no body.
struct MachineRoutes {
    let registry: MachineRegistry
    let logins: MachineLogin
    /// `api.server.auto_registration`; nil: every registration waits for validation.
    let autoRegistration: AutoRegistration?
    let certificates: ClientCertificateCheck?
    let logger: Logger
    let clock: @Sendable () -> Int64

    func register(on group: RouterGroup<APIRequestContext>, authenticated: RouterGroup<APIRequestContext>) {
        group.post("watchers") { request, context in try await registration(request, context) }
        group.post("watchers/login") { request, context in try await login(request, context) }
        authenticated.get("heartbeat") { _, context -> Response in
            registry.heartbeat(name: context.machine ?? "", now: clock())
            return Response(status: .ok)
        }
        authenticated.delete("watchers/self") { _, context -> Response in
            do throws(MachineError) {
                try registry.unregister(name: context.machine ?? "")
            } catch {
                throw APIError(.internalServerError, message: "\(error)")
            }
            return Response(status: .noContent)
        }
    }

    /// The body as gin's `ShouldBindJSON` reads it into `models.WatcherAuthRequest`
    /// (or `WatcherRegistrationRequest`): Go's messages for bad JSON and wrong types.
    private func credentials(
        _ request: Request, type: String
    ) async throws -> Result<(name: String?, password: String?, scenarios: [String], token: String?), GoJSONError> {
        let body = try await request.decodedBody(upTo: 1 << 20)
        let value: GoJSON
        do {
            value = try GoJSON.decodeFirst(Array(buffer: body))
        } catch {
            return .failure(error)
        }
        func mismatch(_ found: GoJSON, _ field: String, _ goType: String) -> GoJSONError {
            GoJSONError(description: "json: cannot unmarshal \(found.goKind) into Go struct field \(type).\(field) of type \(goType)")
        }
        switch value {
        case .null: return .success((nil, nil, [], nil))
        case .object: break
        default:
            return .failure(GoJSONError(description: "json: cannot unmarshal \(value.goKind) into Go value of type models.\(type)"))
        }
        var name: String?, password: String?, scenarios: [String] = [], token: String?
        switch value["machine_id"] {
        case nil, .null?: break
        case .string(let text)?: name = text
        case let other?: return .failure(mismatch(other, "machine_id", "string"))
        }
        switch value["password"] {
        case nil, .null?: break
        case .string(let text)?: password = text
        case let other?: return .failure(mismatch(other, "password", "strfmt.Password"))
        }
        switch value["scenarios"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .string(let text) = item else { return .failure(mismatch(item, "scenarios", "string")) }
                scenarios.append(text)
            }
        case let other?: return .failure(mismatch(other, "scenarios", "[]string"))
        }
        if type == "WatcherRegistrationRequest" {
            switch value["registration_token"] {
            case nil, .null?: break
            case .string(let text)?: token = text
            case let other?: return .failure(mismatch(other, "registration_token", "string"))
            }
        }
        return .success((name, password, scenarios, token))
    }

    private func login(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let input: (name: String?, password: String?, scenarios: [String], token: String?)
        switch try await credentials(request, type: "WatcherAuthRequest") {
        case .success(let value): input = value
        case .failure(let error): throw MachineAuthError(message: "missing: \(error.description)")
        }
        let name: String
        switch await PeerCertificate.of(context, check: certificates, role: .agent, nowNs: clock()) {
        case .refused(let reason):
            logger.warning("machine login from \(context.peerAddress) refused: \(reason)")
            throw CertificateLoginError(reason: reason)
        case .identified(let commonName):
            let (machine, outcome) = await logins.attempt(
                certificateName: commonName, scenarios: input.scenarios, address: context.peerAddress,
                userAgent: request.headers[.userAgent] ?? "", now: clock())
            if case .refused(let message) = outcome { throw MachineAuthError(message: message) }
            name = machine
        case .absent:
            guard let given = input.name, let password = input.password else {
                throw MachineAuthError(message: "input format error")
            }
            name = given
            try await passwordLogin(name: name, password: password, scenarios: input.scenarios, request, context)
        }
        let now = clock()
        let (token, expiresAt) = registry.tokens.issue(machine: name, nowSeconds: now / 1_000_000_000)
        var body = Array(#"{"code":200,"expire":"#.utf8)
        JSONText.appendString(Timestamp.rfc3339(expiresAt * 1_000_000_000), to: &body)
        body += Array(#","token":"#.utf8)
        JSONText.appendString(token, to: &body)
        body.append(UInt8(ascii: "}"))
        return .json(body)
    }

    /// A login by name and password, throttled (``MachineLogin``); throws LAPI's 401, or a 429.
    private func passwordLogin(
        name: String, password: String, scenarios: [String], _ request: Request, _ context: APIRequestContext
    ) async throws {
        switch await logins.attempt(
            name: name, password: password, scenarios: scenarios, address: context.peerAddress,
            userAgent: request.headers[.userAgent] ?? "", now: clock())
        {
        case .accepted: break
        case .refused(let message): throw MachineAuthError(message: message)
        case .throttled(let seconds, let message): throw APIError.tooManyRequests(message, retryAfter: seconds)
        }
    }

    private func registration(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let input: (name: String?, password: String?, scenarios: [String], token: String?)
        switch try await credentials(request, type: "WatcherRegistrationRequest") {
        case .success(let value): input = value
        case .failure(let error): throw APIError(.badRequest, message: error.description)
        }
        guard let name = input.name, let password = input.password else {
            let missing = [(input.name, "machine_id"), (input.password, "password")].filter { $0.0 == nil }
            throw APIError(
                .internalServerError,
                message: (["validation failure list:"] + missing.map { "\($0.1) in body is required" }).joined(separator: "\n"))
        }
        let validated = try autoRegistration(token: input.token, address: context.peerAddress, name: name)
        do throws(MachineError) {
            try registry.register(name: name, password: password, validated: validated, address: context.peerAddress, now: clock())
        } catch where error.isNameTaken {
            throw APIError(.forbidden, message: "user '\(name)': user already exist")  // LAPI's words
        } catch {
            throw APIError(error.category == .runtime ? .internalServerError : .badRequest, message: error.description)
        }
        return Response(status: validated ? .accepted : .created)
    }

    /// Whether a registration is validated at once by `api.server.auto_registration`, as
    /// LAPI 1.6.3 decides: no token (or the feature off) registers pending; a wrong token,
    /// or an address outside `allowed_ranges`, is LAPI's 401 `{"message":...}`.
    private func autoRegistration(token: String?, address: String, name: String) throws -> Bool {
        guard let settings = autoRegistration, let token, !token.isEmpty else { return false }
        guard Self.sameSecret(token, settings.token) else {
            logger.warning("auto-registration of machine '\(name)' from \(address) refused: invalid token")
            throw APIError(.unauthorized, message: "invalid token for auto registration")
        }
        guard let ip = IPAddress(address), settings.allowedRanges.contains(where: { $0.contains(ip) }) else {
            logger.warning("auto-registration of machine '\(name)' from \(address) refused: not in api.server.auto_registration.allowed_ranges")
            throw APIError(.unauthorized, message: "IP not in allowed range for auto registration")
        }
        return true
    }

    /// Compares two secrets in a time that does not depend on where they differ: their
    /// SHA-256 digests, which swift-crypto compares in constant time.
    private static func sameSecret(_ given: String, _ expected: String) -> Bool {
        SHA256.hash(data: Array(given.utf8)) == SHA256.hash(data: Array(expected.utf8))
    }
}

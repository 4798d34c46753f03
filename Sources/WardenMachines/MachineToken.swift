import Crypto

/// The JWT a machine gets from `POST /v1/watchers/login` and sends on every machine
/// route, in LAPI 1.4.6's shape: header `{"alg":"HS256","typ":"JWT"}`, payload
/// `{"exp":…,"id":"<machine>","orig_iat":…}`, one hour, HMAC-SHA256 with the daemon's
/// secret. Tokens are not stored: any token the secret signed stays valid until it
/// expires, so a new login never revokes an earlier token (the agent logs in twice at
/// start and keeps the first).
///
/// Built on swift-crypto's HMAC rather than jwt-kit: the token has one fixed shape, the
/// checks must fail with LAPI's exact messages in LAPI's order (which jwt-kit's errors
/// do not give), and swift-crypto is already linked.
public struct MachineToken: Sendable {
    /// How long a token is valid: LAPI's one hour.
    public static let lifetimeSeconds: Int64 = 3600

    private let key: SymmetricKey

    /// A signer and checker with `secret` (at least 32 bytes; LAPI uses 64).
    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// A token for `machine` issued at `nowSeconds`, and its expiry in seconds since the epoch.
    public func issue(machine: String, nowSeconds: Int64) -> (token: String, expiresAt: Int64) {
        let expiresAt = nowSeconds + Self.lifetimeSeconds
        var payload = Array(#"{"exp":\#(expiresAt),"id":"#.utf8)
        GoJSONText.appendString(machine, to: &payload)
        payload += Array(#","orig_iat":\#(nowSeconds)}"#.utf8)
        let signingInput = Base64URL.encode(Array(Self.header.utf8)) + "." + Base64URL.encode(payload)
        return (signingInput + "." + Base64URL.encode(signature(of: signingInput)), expiresAt)
    }

    private static let header = #"{"alg":"HS256","typ":"JWT"}"#

    /// The machine `token` was issued to, when it is valid at `nowSeconds`.
    /// - Throws: ``MachineTokenError`` with the message LAPI answers for the same token,
    ///   checked in the order golang-jwt v4 and gin-jwt check: segments, header, claims,
    ///   algorithm, signature, then expiry.
    public func verify(_ token: String, nowSeconds: Int64) throws(MachineTokenError) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw MachineTokenError("token contains an invalid number of segments") }
        let header = try Self.decodeSegment(parts[0], as: "map[string]interface {}", firstValueOnly: false)
        let claims = try Self.decodeSegment(parts[1], as: "jwt.MapClaims", firstValueOnly: true)
        switch header["alg"]?.string {
        case "HS256": break
        case "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA",
             "none":
            throw MachineTokenError("invalid signing algorithm")
        default: throw MachineTokenError("signing method (alg) is unavailable.")
        }
        guard let signature = Base64URL.decode(parts[2]) else {
            throw MachineTokenError(Base64URL.goError(parts[2]))
        }
        let signingInput = String(parts[0]) + "." + String(parts[1])
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Array(signingInput.utf8), using: key) else {
            throw MachineTokenError("signature is invalid")
        }
        guard case .number(let expText)? = claims["exp"], let exp = Double(expText) else {
            throw MachineTokenError(claims["exp"] == nil ? "missing exp field" : "exp must be float64 format")
        }
        // Go's int64(float64) gives math.MinInt64 (on amd64) for a value out of range: expired.
        let expSeconds = exp >= -9.223372036854775808e18 && exp < 9.223372036854775808e18 ? Int64(exp) : Int64.min
        // golang-jwt v4.2.0's wording, capital T: its check runs before gin-jwt's own "token is expired".
        guard expSeconds >= nowSeconds else { throw MachineTokenError("Token is expired") }
        guard let machine = claims["id"]?.string else { throw MachineTokenError("token has no machine id") }
        return machine
    }

    private func signature(of input: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: key))
    }

    /// One base64url JSON object, with golang-jwt's errors: base64, then JSON (the header
    /// through `json.Unmarshal`, the claims through a `json.Decoder`), then its type.
    private static func decodeSegment(
        _ segment: Substring, as goType: String, firstValueOnly: Bool
    ) throws(MachineTokenError) -> GoJSON {
        guard let bytes = Base64URL.decode(segment) else { throw MachineTokenError(Base64URL.goError(segment)) }
        let value: GoJSON
        do {
            value = firstValueOnly ? try GoJSON.decodeFirst(bytes) : try GoJSON.parse(bytes)
        } catch {
            throw MachineTokenError(error.description)
        }
        switch value {
        case .object, .null: return value
        default: throw MachineTokenError("json: cannot unmarshal \(value.goKind) into Go value of type \(goType)")
        }
    }
}

/// Why a machine token was refused, as LAPI's 401 body words it.
public struct MachineTokenError: Error, Sendable, Equatable {
    public var message: String

    init(_ message: String) {
        self.message = message
    }
}

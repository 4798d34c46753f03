import HTTPTypes
import Hummingbird
import WardenDecisions

/// A 401 as LAPI's JWT middleware writes it: `{"code":401,"message":"..."}` with
/// `Www-Authenticate: JWT realm=Crowdsec API local`. The agent clears its token on a
/// 401 and logs in again before its next request.
struct MachineAuthError: Error, HTTPResponseError, Sendable {
    var message: String
    var status: HTTPResponse.Status { .unauthorized }

    static let realmHeader = HTTPField.Name("Www-Authenticate")!

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [UInt8] = Array(#"{"code":401,"message":"#.utf8)
        JSONText.appendString(message, to: &body)
        body.append(UInt8(ascii: "}"))
        var response = Response.json(body, status: .unauthorized)
        response.headers[Self.realmHeader] = "JWT realm=Crowdsec API local"
        return response
    }
}

/// LAPI's answer to a login whose TLS client certificate does not identify a machine: its
/// TLS middleware writes a 403 and its JWT middleware then appends its own 401 body, so
/// the client gets status 403 with two JSON objects one after the other,
/// `{"message":"access forbidden"}{"code":401,"message":"while trying to validate client cert: …"}`.
/// The reason after the colon is Warden's own words.
struct CertificateLoginError: Error, HTTPResponseError, Sendable {
    var reason: String
    var status: HTTPResponse.Status { .forbidden }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [UInt8] = Array(#"{"message":"access forbidden"}{"code":401,"message":"#.utf8)
        JSONText.appendString("while trying to validate client cert: \(reason)", to: &body)
        body.append(UInt8(ascii: "}"))
        return Response.json(body, status: .forbidden)
    }
}

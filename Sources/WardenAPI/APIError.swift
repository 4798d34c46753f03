import Hummingbird
import WardenDecisions
import WardenEngine

/// An error answer as the Local API writes it: a status and `{"message":"..."}`
/// (or no body at all, as LAPI answers unknown paths and wrong methods).
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// The `message` field; nil for an empty body.
    public var message: String?
    /// Seconds for a `Retry-After` header, when the client should come back later.
    public var retryAfter: Int64?

    public init(_ status: HTTPResponse.Status, message: String?) {
        self.status = status
        self.message = message
    }

    /// 403 for a missing or unknown `X-Api-Key`, with LAPI's exact body.
    public static let forbidden = APIError(.forbidden, message: "access forbidden")
    /// 405 with an empty body, for a known path with another method.
    public static let methodNotAllowed = APIError(.methodNotAllowed, message: nil)

    /// 429 with `message` and `Retry-After: seconds`.
    public static func tooManyRequests(_ message: String, retryAfter seconds: Int64) -> APIError {
        var error = APIError(.tooManyRequests, message: message)
        error.retryAfter = seconds
        return error
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        guard let message else { return Response(status: status) }
        var body: [UInt8] = Array(#"{"message":"#.utf8)
        JSONText.appendString(message, to: &body)
        body.append(UInt8(ascii: "}"))
        var response = Response.json(body, status: status)
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

extension Response {
    /// A JSON answer (`application/json; charset=utf-8`, as LAPI sends it) from bytes.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The one place the engine's errors become HTTP: a route lets them through and they
/// answer as LAPI does, 500 with `{"message":...}` for both kinds (CrowdSec's LAPI answers
/// its own refusals of filters and alerts 500, and its clients expect that);
/// ``EngineError/Kind`` only tells the CLI and logs whether resending may help.
extension EngineError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch kind {
        case .refused, .failed: .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(status, message: message).response(from: request, context: context)
    }
}

import Hummingbird
import WardenModel
import WardenEngine

/// `cscli`'s reads and deletes (machine token), as CrowdSec 1.4.6 answers them:
/// - `GET /v1/alerts`: the alerts ``AlertFilter`` selects, `null` for none.
/// - `GET /v1/alerts/:id`: one alert; 404 `object not found`.
/// - `DELETE /v1/alerts`: `{"nbDeleted":"N"}`; `DELETE /v1/alerts/:id`: `{"nbDeleted":"1"}`,
///   LAPI's 500 `ent: alert not found` when there is none. Both only for a peer at 127.0.0.1,
///   ::1 or in `trustedNetworks` (403 `access forbidden from this IP (…)` before anything
///   else is read), as CrowdSec 1.4.6 has it: deleting alerts is for `cscli` on the API's host.
/// - `DELETE /v1/decisions`: ends live decisions by `ip`/`range` (with `contains`, by default
///   the ranges that contain it too), `scopes`, `value`, `type`, `scenario`, `origin`;
///   `{"nbDeleted":"N"}`.
/// - `DELETE /v1/decisions/:id`: one decision; LAPI's 500 when it is not live.
/// Every failure is LAPI's `{"message": ...}`; a store that keeps no history says which
/// backend lacks it.
struct AlertHistoryRoutes {
    let history: AlertHistory
    /// Besides 127.0.0.1 and ::1: who may delete alerts (`api.server.trusted_ips`).
    let trustedNetworks: [BanTarget]
    let clock: @Sendable () -> Int64

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("alerts") { request, _ in try await listAlerts(request) }
        group.get("alerts/:alert_id") { _, context in try await alert(context) }
        group.delete("alerts") { request, context in try await deleteAlerts(request, context) }
        group.delete("alerts/:alert_id") { _, context in try await deleteAlert(context) }
        group.delete("decisions") { request, _ in try await deleteDecisions(request) }
        group.delete("decisions/:decision_id") { _, context in try await deleteDecision(context) }
    }

    private func listAlerts(_ request: Request) async throws -> Response {
        let now = clock()
        let filter = try AlertFilter.parse(items(request), now: now)
        return .json(AlertJSON.list(try await history.list(filter, now: now), now: now))
    }

    private func alert(_ context: APIRequestContext) async throws -> Response {
        guard let id = Int64(context.parameters.get("alert_id") ?? "") else {
            throw APIError(.badRequest, message: "alert_id must be valid integer")
        }
        let now = clock()
        let notFound = APIError(.notFound, message: "object not found")
        guard id > 0 else { throw notFound }
        guard let record = try await history.alert(id: id, now: now) else { throw notFound }
        var out: [UInt8] = []
        AlertJSON.append(record, now: now, to: &out)
        return .json(out)
    }

    private func deleteAlerts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try requireTrusted(context)
        let now = clock()
        let filter = try AlertFilter.parse(items(request), now: now)
        return deleted(try await history.deleteAlerts(filter, now: now))
    }

    private func deleteAlert(_ context: APIRequestContext) async throws -> Response {
        try requireTrusted(context)
        guard let id = Int64(context.parameters.get("alert_id") ?? "") else {
            throw APIError(.badRequest, message: "alert_id must be valid integer")
        }
        // LAPI's words for an id it does not hold (its ORM's error, answered as a 500).
        let notFound = APIError(.internalServerError, message: "ent: alert not found")
        guard id > 0 else { throw notFound }
        let found = try await history.deleteAlert(id: id, now: clock())
        guard found else { throw notFound }
        return deleted(1)
    }

    private func deleteDecisions(_ request: Request) async throws -> Response {
        let now = clock()
        guard let query = try DecisionDeleteFilter.parse(items(request)) else { return deleted(0) }
        return deleted(try await history.deleteDecisions(query, now: now))
    }

    private func deleteDecision(_ context: APIRequestContext) async throws -> Response {
        let text = context.parameters.get("decision_id") ?? ""
        guard let id = Int64(text) else { throw APIError(.badRequest, message: "decision_id must be valid integer") }
        let missing = APIError(.internalServerError, message: "decision with id '\(id)' doesn't exist: unable to delete")
        guard id > 0 else { throw missing }
        let count = try await history.deleteDecisions(SignalQuery(banID: id), now: clock())
        guard count > 0 else { throw missing }
        return deleted(count)
    }

    /// Refuses a peer that may not delete alerts, as LAPI does: only 127.0.0.1 and ::1
    /// exactly, or an address in `trustedNetworks`.
    private func requireTrusted(_ context: APIRequestContext) throws(APIError) {
        let peer = context.peerAddress
        // Parsed, so a dual-stack listener's ::ffff:127.0.0.1 is 127.0.0.1, as Go prints it.
        if let address = IPAddress(peer) {
            if address == Self.loopbackV4 || address == Self.loopbackV6 { return }
            if trustedNetworks.contains(where: { $0.contains(address) }) { return }
        }
        throw APIError(.forbidden, message: "access forbidden from this IP (\(IPAddress(peer)?.description ?? peer))")
    }

    private static let loopbackV4 = IPAddress("127.0.0.1")!
    private static let loopbackV6 = IPAddress("::1")!

    /// `{"nbDeleted":"N"}`: LAPI writes the count as a string.
    private func deleted(_ count: Int) -> Response {
        .json(Array(#"{"nbDeleted":"\#(count)"}"#.utf8))
    }

    /// The query's items, percent-decoded, in order.
    private func items(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

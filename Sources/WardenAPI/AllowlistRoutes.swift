import FoundationEssentials
import Hummingbird
import WardenAllowlist
import WardenDecisions
import WardenEngine
import WardenModel

/// The allowlist routes of LAPI 1.6.9+ (machine token), backed by Warden's allowlist
/// file and its named lists: what `cscli decisions add` (`GET /v1/allowlists/check/:value`)
/// and `cscli decisions import` (`POST /v1/allowlists/check`) ask before they send
/// decisions, and what a machine may read of the lists. Only entries in force count.
/// - `GET /v1/allowlists[?with_content=true]`: every list, its items with `with_content`.
/// - `GET /v1/allowlists/:name[?with_content=true]`: one list; 404 for an unknown name.
/// - `GET`/`HEAD /v1/allowlists/check/:value`: `{"allowlisted":true,"reason":"…"}` or `{}`;
///   HEAD answers 200 when allowlisted, 204 when not.
/// - `POST /v1/allowlists/check` `{"targets":[…]}`: `{"results":[{"allowlists":[…],"target":"…"}]}`,
///   the allowlisted targets only.
struct AllowlistRoutes {
    let allowlist: LiveAllowlist

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("allowlists") { request, _ in try lists(request, only: nil) }
        group.get("allowlists/:name") { request, context in
            try lists(request, only: context.parameters.get("name") ?? "")
        }
        group.get("allowlists/check/:value") { _, context in try check(context, head: false) }
        group.head("allowlists/check/:value") { _, context in try check(context, head: true) }
        group.post("allowlists/check") { request, _ in try await bulkCheck(request) }
    }

    /// Every list (`only` nil) or the one named `only`, as LAPI's `GetAllowlistResponse`.
    private func lists(_ request: Request, only: String?) throws -> Response {
        let withContent = request.uri.queryParameters.get("with_content") == "true"
        let active = allowlist.active
        let chosen = active.lists.filter { only == nil || $0.name == only }
        if let only, chosen.isEmpty {
            throw APIError(.notFound, message: "allowlist '\(only)' not found")
        }
        var out: [UInt8] = []
        if only == nil { out.append(UInt8(ascii: "[")) }
        for (index, list) in chosen.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"description":"#.utf8)
            JSONText.appendString(list.description, to: &out)
            out += Array(#","items":["#.utf8)
            let items = withContent ? active.entries.filter { $0.list == list.name } : []
            for (position, entry) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                out += Array(#"{"description":"#.utf8)
                JSONText.appendString(entry.comment, to: &out)
                if let expires = entry.expiresNs { out += Array(#","expiration":"\#(Timestamp.rfc3339(expires))""#.utf8) }
                out += Array(#","value":"#.utf8)
                JSONText.appendString(entry.target.description, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out += Array(#"],"name":"#.utf8)
            JSONText.appendString(list.name, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        if only == nil { out.append(UInt8(ascii: "]")) }
        return .json(out)
    }

    /// Whether one address or block is allowlisted, and by which entries.
    private func check(_ context: APIRequestContext, head: Bool) throws -> Response {
        let value = context.parameters.get("value") ?? ""
        let reasons = try self.reasons(value)
        if head { return Response(status: reasons.isEmpty ? .noContent : .ok) }
        guard !reasons.isEmpty else { return .json(Array("{}".utf8)) }
        var out = Array(#"{"allowlisted":true,"reason":"#.utf8)
        JSONText.appendString(reasons.joined(separator: ", "), to: &out)
        out.append(UInt8(ascii: "}"))
        return .json(out)
    }

    private struct BulkRequest: Decodable {
        var targets: [String]?
    }

    /// The allowlisted ones among many values, each with the entries that allowlist it.
    private func bulkCheck(_ request: Request) async throws -> Response {
        let bytes = Array(buffer: try await request.decodedBody(upTo: 1 << 30))
        let targets: [String]
        do {
            targets = try JSONDecoder().decode(BulkRequest.self, from: Data(bytes)).targets ?? []
        } catch {
            throw APIError(.badRequest, message: "the body is not {\"targets\":[…]}: \(error)")
        }
        guard !targets.isEmpty else { throw APIError(.badRequest, message: "targets list cannot be empty") }
        var out = Array(#"{"results":["#.utf8)
        var first = true
        for target in targets {
            let reasons = try self.reasons(target)
            guard !reasons.isEmpty else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out += Array(#"{"allowlists":["#.utf8)
            for (index, reason) in reasons.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(reason, to: &out)
            }
            out += Array(#"],"target":"#.utf8)
            JSONText.appendString(target, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out += Array("]}".utf8)
        return .json(out)
    }

    /// CrowdSec's reasons (`value from list (comment)`) for each entry in force that meets `value`.
    private func reasons(_ value: String) throws -> [String] {
        let target: BanTarget
        do throws(AlertSignal.Refusal) {
            target = try AlertSignal.target(value)
        } catch {
            throw APIError(.badRequest, message: "'\(value)' is not an address or a CIDR block")
        }
        return allowlist.active.matches(target).map(\.reason)
    }
}

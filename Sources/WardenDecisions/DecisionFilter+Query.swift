import WardenModel

extension DecisionFilter {
    /// The filter of a `GET /v1/decisions` query: `ip`, `range`, `contains`, `scopes`,
    /// `value`, `type`, `origins`, `scenarios_containing`, `scenarios_not_containing`.
    /// Other parameters are ignored, as CrowdSec ignores them (`simulated` too: Warden
    /// has no simulated decisions, and 1.4.6 ignores `scope`); of a repeated
    /// parameter the first counts (Go's `Query()[name][0]`). Lists are split on
    /// commas without trimming, so `origins=` asks for the empty origin.
    /// - Throws: ``InputError`` for a malformed `ip`, `range` or `contains`, or `ip` and `range` together.
    public init(liveQuery items: [(String, String)]) throws(InputError) {
        self.init()
        func first(_ name: String) -> String? { items.first { $0.0 == name }?.1 }
        func list(_ name: String) -> [String]? {
            first(name).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let contains = try first("contains").map { text throws(InputError) in try AddressQuery.parseContains(text) }
        switch (first("ip"), first("range")) {
        case (let ip?, nil):
            address = AddressQuery(block: try AddressQuery.parseBlock(ip, parameter: "ip"), contains: contains ?? true)
        case (nil, let range?):
            address = AddressQuery(
                block: try AddressQuery.parseBlock(range, parameter: "range"), contains: contains ?? true)
        case (.some, .some):
            throw InputError("ip and range given together: a query selects by one of them; drop one")
        case (nil, nil):
            break
        }
        scopes = list("scopes")?.map(Self.normalizedScope)
        value = first("value")
        type = first("type")
        origins = list("origins")
        scenariosContaining = list("scenarios_containing")
        scenariosNotContaining = list("scenarios_not_containing")
    }

    /// The filter of a `GET /v1/decisions/stream` query: as ``init(liveQuery:)``, with
    /// `scopes` defaulting to `ip,range` when absent (CrowdSec's stream default).
    /// `startup` is not a filter: read it with ``isStartup(_:)``.
    /// - Throws: ``InputError`` as ``init(liveQuery:)`` does.
    public init(streamQuery items: [(String, String)]) throws(InputError) {
        try self.init(liveQuery: items)
        if scopes == nil { scopes = ["Ip", "Range"] }
    }

    /// Whether a query asks for one decision per value and type (the longest):
    /// `dedup=false` turns it off, `dedup=true` on, anything else leaves `byDefault`
    /// (on for the stream, off for `GET /v1/decisions`, as CrowdSec 1.4.6 answers).
    public static func isDeduplicated(_ items: [(String, String)], byDefault: Bool) -> Bool {
        switch items.first(where: { $0.0 == "dedup" })?.1 {
        case "false": false
        case "true": true
        default: byDefault
        }
    }

    /// Whether a stream query asks for a startup answer: `startup` is exactly `true`.
    public static func isStartup(_ items: [(String, String)]) -> Bool {
        items.first { $0.0 == "startup" }?.1 == "true"
    }

    /// CrowdSec's spelling of the scopes it knows, whatever their case; others unchanged.
    static func normalizedScope(_ scope: String) -> String {
        switch scope.lowercased() {
        case "ip": "Ip"
        case "range": "Range"
        case "country": "Country"
        case "as": "AS"
        default: scope
        }
    }
}

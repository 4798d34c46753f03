/// One event of an alert (`models.Event` in CrowdSec 1.4.6): the parsed log line's meta
/// and its time.
public struct AlertEvent: Sendable, Equatable, Codable {
    /// `meta`: key/value pairs (`source_ip`, `target_user`, `service`...). Required (may be `[]`).
    public var meta: [MetaItem]?
    /// `timestamp`: the event's time, RFC 3339. Required.
    public var timestamp: String?

    public init(meta: [MetaItem]? = nil, timestamp: String? = nil) {
        self.meta = meta
        self.timestamp = timestamp
    }

    enum CodingKeys: String, CodingKey {
        case meta, timestamp
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        meta = try c.decodeIfPresent([MetaItem].self, forKey: .meta)
        timestamp = try c.decodeIfPresent(String.self, forKey: .timestamp)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeOrNull(meta, forKey: .meta)
        try c.encodeOrNull(timestamp, forKey: .timestamp)
    }
}

/// One key/value pair of an alert's or an event's meta (`models.MetaItems0`).
public struct MetaItem: Sendable, Equatable, Hashable, Codable {
    /// `key`.
    public var key: String
    /// `value`.
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case key, value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decodeIfPresent(String.self, forKey: .key) ?? ""
        value = try c.decodeIfPresent(String.self, forKey: .value) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !key.isEmpty { try c.encode(key, forKey: .key) }
        if !value.isEmpty { try c.encode(value, forKey: .value) }
    }
}

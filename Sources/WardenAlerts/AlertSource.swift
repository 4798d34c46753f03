/// Who an alert is about (`models.Source` in CrowdSec 1.4.6): its scope and value, plus
/// the GeoIP enrichment the agent adds when it has the databases.
public struct AlertSource: Sendable, Equatable, Codable {
    /// `as_name`: the autonomous system's name.
    public var asName: String
    /// `as_number`: the autonomous system's number, as a string on the wire.
    public var asNumber: String
    /// `cn`: the ISO country code.
    public var cn: String
    /// `ip`: the address, when the scope is an IP (`cscli` also puts a range here).
    public var ip: String
    /// `latitude`.
    public var latitude: Float
    /// `longitude`.
    public var longitude: Float
    /// `range`: the network the address belongs to, from the AS database.
    public var range: String
    /// `scope`: `Ip`, `Range`, or anything else (`cscli/manual-import`, `Username`...). Required.
    public var scope: String?
    /// `value`: the IP, the range, the user name... Required (may be `""`).
    public var value: String?

    public init(
        asName: String = "", asNumber: String = "", cn: String = "", ip: String = "", latitude: Float = 0,
        longitude: Float = 0, range: String = "", scope: String? = nil, value: String? = nil
    ) {
        self.asName = asName
        self.asNumber = asNumber
        self.cn = cn
        self.ip = ip
        self.latitude = latitude
        self.longitude = longitude
        self.range = range
        self.scope = scope
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case cn, ip, latitude, longitude, range, scope, value
        case asName = "as_name"
        case asNumber = "as_number"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        asName = try c.decodeIfPresent(String.self, forKey: .asName) ?? ""
        asNumber = try c.decodeIfPresent(String.self, forKey: .asNumber) ?? ""
        cn = try c.decodeIfPresent(String.self, forKey: .cn) ?? ""
        ip = try c.decodeIfPresent(String.self, forKey: .ip) ?? ""
        latitude = try c.decodeIfPresent(Float.self, forKey: .latitude) ?? 0
        longitude = try c.decodeIfPresent(Float.self, forKey: .longitude) ?? 0
        range = try c.decodeIfPresent(String.self, forKey: .range) ?? ""
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        value = try c.decodeIfPresent(String.self, forKey: .value)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !asName.isEmpty { try c.encode(asName, forKey: .asName) }
        if !asNumber.isEmpty { try c.encode(asNumber, forKey: .asNumber) }
        if !cn.isEmpty { try c.encode(cn, forKey: .cn) }
        if !ip.isEmpty { try c.encode(ip, forKey: .ip) }
        if latitude != 0 { try c.encode(latitude, forKey: .latitude) }
        if longitude != 0 { try c.encode(longitude, forKey: .longitude) }
        if !range.isEmpty { try c.encode(range, forKey: .range) }
        try c.encodeOrNull(scope, forKey: .scope)
        try c.encodeOrNull(value, forKey: .value)
    }
}

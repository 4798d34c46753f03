import FoundationEssentials

/// What a bouncer reports with `POST /v1/usage-metrics` (CrowdSec 1.6.3+, `models.AllMetrics`):
/// its remediation component's items (`dropped` requests, bytes, packets...) per origin
/// and remediation, over the window since its last report.
struct UsageReport: Decodable {
    struct Component: Decodable {
        var type: String?
        var version: String?
        var metrics: [Window]?
    }

    struct Window: Decodable {
        var items: [Item]?
    }

    struct Item: Decodable {
        var name: String?
        var unit: String?
        var value: Double?
        var labels: [String: String]?
    }

    // The key is CrowdSec's; `log_processors` (an agent's report) is not read.
    enum CodingKeys: String, CodingKey {
        case remediationComponents = "remediation_components"
    }

    var remediationComponents: [Component]?

    /// One counted item: what it counts, in which unit, for which origin and remediation, and how many.
    struct Count: Equatable {
        var name: String
        var unit: String
        var origin: String
        var remediation: String
        var value: Int
    }

    /// The items of every window, whole (a report counts events), negative or unnamed ones left out.
    var counts: [Count] {
        (remediationComponents ?? []).flatMap { $0.metrics ?? [] }.flatMap { $0.items ?? [] }.compactMap { item in
            guard let name = item.name, !name.isEmpty, let value = item.value, value.isFinite, value >= 0 else { return nil }
            return Count(
                name: name, unit: item.unit ?? "", origin: item.labels?["origin"] ?? "",
                remediation: item.labels?["remediation"] ?? "", value: Int(min(value.rounded(), Double(Int32.max))))
        }
    }

    /// Reads a body; LAPI's 400 with the decoder's words when it is not a report.
    static func parse(_ bytes: [UInt8]) throws(APIError) -> UsageReport {
        do {
            return try JSONDecoder().decode(UsageReport.self, from: Data(bytes))
        } catch {
            throw APIError(.badRequest, message: "the usage metrics are not a JSON report of CrowdSec's shape: \(error)")
        }
    }
}

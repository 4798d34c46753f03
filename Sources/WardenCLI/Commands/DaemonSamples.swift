import WardenConfig
import WardenMetricNames

/// The running daemon's metrics, for the commands that show part of them beside their
/// files (`warden notifications list`, `warden bouncers list`).
enum DaemonSamples {
    /// The samples of the daemon's metrics endpoint; nil when it serves no metrics or
    /// does not answer within 2 s.
    static func read(_ prometheus: PrometheusConfig?) -> [PrometheusSample]? {
        guard let prometheus, let answer = try? PlainHTTP.get(prometheus.localURL, timeoutSeconds: 2),
            answer.status == 200
        else { return nil }
        return try? PrometheusText.parse(String(decoding: answer.body, as: UTF8.self))
    }
}

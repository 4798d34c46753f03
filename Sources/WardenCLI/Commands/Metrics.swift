import ArgumentParser
import WardenConfig
import WardenMetricNames

/// `warden metrics`: what the running daemon counted, read from its Prometheus endpoint.
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Show the running daemon's metrics as tables.",
        discussion: """
            The tables 'cscli metrics' prints, for Warden. Reads the daemon's Prometheus endpoint: http://prometheus.listen_addr:listen_port/metrics \
            from the main config, or --url. -o raw prints the Prometheus text as received, \
            -o json one object per sample.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The metrics endpoint (default: from the 'prometheus' section of the main config).")
    var url: String?

    func run() throws {
        let url = try url ?? endpointFromConfig()
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try PlainHTTP.get(url)
        } catch {
            throw CommandFailure(
                description: "cannot read the daemon's metrics at \(url): \(error.reason); is 'warden run' running with the 'prometheus' section of its config? (--url reads another address)")
        }
        guard answer.status == 200 else {
            throw CommandFailure(
                description: "cannot read the daemon's metrics at \(url): the server answered \(answer.status); give the URL of warden-daemon's metrics (path /metrics)")
        }
        let text = String(decoding: answer.body, as: UTF8.self)
        let samples: [PrometheusSample]
        do {
            samples = try PrometheusText.parse(text)
        } catch {
            throw CommandFailure(
                description: "the answer of \(url) is not Prometheus text: \(error); give the URL of warden-daemon's metrics")
        }
        switch global.output {
        case .raw: global.context.write(text)
        case .json:
            global.print(JSONText.array(of: samples.map { sample in
                [
                    ("name", JSONText.string(sample.name)),
                    ("labels", JSONText.object(sample.labels.map { ($0.0, JSONText.string($0.1)) }, indent: "    ")),
                    ("value", sample.value.isFinite ? MetricsTables.count(sample.value) : JSONText.string("\(sample.value)")),
                ]
            }))
        case .human: global.context.write(MetricsTables.render(samples))
        }
    }

    /// The endpoint the config's `prometheus` section names.
    private func endpointFromConfig() throws -> String {
        let main = try global.loadConfig()
        guard let prometheus = main.prometheus else {
            throw ConfigError(
                file: main.path, line: nil,
                "the daemon serves no metrics: the config has no 'prometheus' section, or it says enabled: false; add one (listen_addr, listen_port) and restart the daemon, or pass --url")
        }
        return prometheus.localURL
    }
}

import WardenMetricNames
import XCTest

/// The hand-written reader of Prometheus text `warden metrics` relies on.
final class PrometheusTextTests: XCTestCase {
    func testSamplesLabelsEscapesAndSpecialValues() throws {
        let text = """
            # HELP warden_x_total A help line, skipped.
            # TYPE warden_x_total counter
            warden_x_total{a="1",b="say \\"hi\\"\\\\ \\n"} 42
              warden_up 1 1700000000000

            h_bucket{le="+Inf"} 3
            h_sum 1.5e-05
            g NaN
            g2 -Inf
            """
        let samples = try PrometheusText.parse(text)
        XCTAssertEqual(samples.count, 6)
        XCTAssertEqual(samples[0], PrometheusSample(name: "warden_x_total", labels: [("a", "1"), ("b", "say \"hi\"\\ \n")], value: 42))
        XCTAssertEqual(samples[1], PrometheusSample(name: "warden_up", labels: [], value: 1))
        XCTAssertEqual(samples[2][label: "le"], "+Inf")
        XCTAssertEqual(samples[2].value, 3)
        XCTAssertEqual(samples[3].value, 0.000015)
        XCTAssertTrue(samples[4].value.isNaN)
        XCTAssertEqual(samples[5].value, -.infinity)
    }

    func testEachMalformedLineIsNamed() {
        func failure(_ text: String) -> String? {
            do { _ = try PrometheusText.parse(text); return nil } catch { return "\(error)" }
        }
        XCTAssertEqual(failure("ok 1\n{a=\"b\"} 1"), "line 2: expected a metric name")
        XCTAssertEqual(failure("m{a=b} 1"), "line 1: expected label=\"value\" in the labels of m")
        XCTAssertEqual(failure("m{a=\"b} 1"), "line 1: a label value of m has no closing quote")
        XCTAssertEqual(failure("m{a=\"b\" c=\"d\"} 1"), "line 1: expected ',' or '}' in the labels of m")
        XCTAssertEqual(failure("m twelve"), "line 1: 'twelve' is not the value of m")
        XCTAssertEqual(failure("m"), "line 1: '' is not the value of m")
    }
}

import FuzzSupport
import WardenAlerts
import WardenExpr
import WardenProfiles

/// Profile filters and `duration_expr`s: compiled against the environment profiles.yaml
/// gets (`Alert`, CrowdSec's helpers), then run over one alert. No crash on any input,
/// at compile time or at run time; an ExprError is an ordinary answer.
private let environment = ProfileEnvironment.make(history: EmptyDecisionHistory(), now: { 1_800_000_000 })

private let alert: Value = {
    let json = #"""
        [{"capacity":5,"decisions":[{"duration":"4h","origin":"crowdsec","scenario":"crowdsecurity/ssh-bf",
        "scope":"Ip","type":"ban","value":"192.0.2.10"}],"events":[{"meta":[{"key":"service","value":"ssh"},
        {"key":"source_ip","value":"192.0.2.10"}],"timestamp":"2026-11-24T00:06:14Z"}],"events_count":6,
        "labels":null,"leakspeed":"10s","machine_id":"warden-test","message":"Ip 192.0.2.10 performed 'crowdsecurity/ssh-bf'",
        "meta":[{"key":"target_user","value":"admin"}],"remediation":true,"scenario":"crowdsecurity/ssh-bf",
        "scenario_hash":"abc","scenario_version":"0.1","simulated":false,"source":{"as_name":"TEST","as_number":"64496",
        "cn":"FR","ip":"192.0.2.10","latitude":48.85,"longitude":2.35,"range":"192.0.2.0/24","scope":"Ip",
        "value":"192.0.2.10"},"start_at":"2026-11-24T00:06:12Z","stop_at":"2026-11-24T00:06:14Z"}]
        """#
    guard let read = AlertBatchReader.read(Array(json.utf8)), let first = read.alerts.first else {
        fatalError("the fuzz target's own alert does not read")
    }
    return AlertTypes.value(of: first)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpr(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let program = try? Program(source, environment: environment) else { return 0 }
    _ = try? program.run(["Alert": alert])
    return 0
}

@_cdecl("fuzz_expr_main")
public func fuzzExprMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzExpr)
}

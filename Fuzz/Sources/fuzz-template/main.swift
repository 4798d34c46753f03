import FuzzSupport
import WardenTemplate

/// Notification formats (Go's text/template with sprig): parsed, then rendered over a
/// list of two alerts as CrowdSec renders a batch. No crash on any input; a
/// TemplateError is an ordinary answer. `env` reads a fixed environment, not the process's.
private let functions = Template.defaultFunctions(environment: { name in name == "HOME" ? "/root" : nil })

private let alerts: TemplateValue = {
    let json = #"""
        [{"capacity":5,"decisions":[{"duration":"4h","origin":"crowdsec","scenario":"crowdsecurity/ssh-bf",
        "scope":"Ip","type":"ban","value":"192.0.2.10","until":"2026-11-24T04:06:14Z"}],"events":[{"meta":[
        {"key":"service","value":"ssh"}],"timestamp":"2026-11-24T00:06:14Z"}],"events_count":6,"leakspeed":"10s",
        "machine_id":"warden-test","message":"Ip 192.0.2.10 performed 'crowdsecurity/ssh-bf'",
        "meta":[{"key":"target_user","value":"admin"}],"remediation":true,"scenario":"crowdsecurity/ssh-bf",
        "source":{"as_name":"TEST","as_number":"64496","cn":"FR","ip":"192.0.2.10","latitude":48.85,"longitude":2.35,
        "range":"192.0.2.0/24","scope":"Ip","value":"192.0.2.10"},"start_at":"2026-11-24T00:06:12Z",
        "stop_at":"2026-11-24T00:06:14Z"},{"scenario":"x","source":null,"decisions":null}]
        """#
    do {
        return try CrowdSecAlert.list(json: json)
    } catch {
        fatalError("the fuzz target's own alerts do not decode: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let template = try? Template(text, functions: functions) else { return 0 }
    _ = try? template.render(alerts)
    return 0
}

@_cdecl("fuzz_template_main")
public func fuzzTemplateMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTemplate)
}

/// The one place that names a Warden ban's origin the way CrowdSec bouncers
/// filter on it (`origins=cscli,crowdsec`).
///
/// | Warden origin | LAPI origin | why |
/// |---|---|---|
/// | `cli` | `cscli` | a person banned it by hand, as `cscli decisions add` does |
/// | `local` | `crowdsec` | a scenario on this machine decided it, as the crowdsec agent does |
/// | `crowdsec` | `crowdsec` | already the LAPI name |
/// | `api` | `CAPI` | legacy `cscli api pull` stored the central API's block list with source `api`; CrowdSec names decisions from its Central API `CAPI` |
/// | anything else | unchanged | names that already are LAPI origins (`cscli-import`, `lists`, `CAPI`) pass through |
public enum DecisionOrigin {
    /// The LAPI origin of a ban whose Warden origin is `wardenOrigin`.
    public static func lapiName(forWardenOrigin wardenOrigin: String) -> String {
        switch wardenOrigin {
        case "cli": "cscli"
        case "local", "crowdsec": "crowdsec"
        case "api": "CAPI"
        default: wardenOrigin
        }
    }
}

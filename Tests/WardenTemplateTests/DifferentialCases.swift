/// The formats rendered by both Go (text/template + sprig, the real engine) and
/// WardenTemplate over `Tests/Fixtures/go-template/alerts.json`, compared byte
/// for byte: every format CrowdSec ships, formats users write, and errors.
enum DifferentialCases {
    /// The environment both engines see for `env`; time zone UTC on both sides.
    static let pinnedVariable = ("WARDEN_TEMPLATE_TEST", "pinned value")

    static let shipped: [(String, String)] = [
        // plugins/notifications/{dummy,http,splunk}.yaml of 1.4.6, and sentinel in later releases.
        ("shipped http, dummy, splunk, sentinel", "{{.|toJson}}\n"),
        ("shipped email 1.4.6", """
        {{range . -}}
          {{$alert := . -}}
          {{range .Decisions -}}
            <html><body><p><a href=https://www.whois.com/whois/{{.Value}}>{{.Value}}</a> will get <b>{{.Type}}</b> for next <b>{{.Duration}}</b> for triggering <b>{{.Scenario}}</b> on machine <b>{{$alert.MachineID}}</b>.</p> <p><a href=https://app.crowdsec.net/cti/{{.Value}}>CrowdSec CTI</a></p></body></html>
          {{end -}}
        {{end -}}

        """),
        ("shipped slack", """
        {{range . -}}
        {{$alert := . -}}
        {{range .Decisions -}}
        {{if $alert.Source.Cn -}}
        :flag-{{$alert.Source.Cn}}: <https://www.whois.com/whois/{{.Value}}|{{.Value}}> will get {{.Type}} for next {{.Duration}} for triggering {{.Scenario}} on machine '{{$alert.MachineID}}'. <https://app.crowdsec.net/cti/{{.Value}}|CrowdSec CTI>{{end}}
        {{if not $alert.Source.Cn -}}
        :pirate_flag: <https://www.whois.com/whois/{{.Value}}|{{.Value}}> will get {{.Type}} for next {{.Duration}} for triggering {{.Scenario}} on machine '{{$alert.MachineID}}'.  <https://app.crowdsec.net/cti/{{.Value}}|CrowdSec CTI>{{end}}
        {{end -}}
        {{end -}}

        """),
        ("shipped email (later releases)", """
        <html><body>
        {{range . -}}
          {{$alert := . -}}
          {{range .Decisions -}}
            <p><a href="https://www.whois.com/whois/{{.Value}}">{{.Value}}</a> will get <b>{{.Type}}</b> for next <b>{{.Duration}}</b> for triggering <b>{{.Scenario}}</b> on machine <b>{{$alert.MachineID}}</b>.</p> <p><a href="https://app.crowdsec.net/cti/{{.Value}}">CrowdSec CTI</a></p>
          {{end -}}
        {{end -}}
        </body></html>

        """),
        ("shipped file (later releases)", """
        {{range . -}}
         { "time": "{{.StopAt}}", "program": "crowdsec", "alert": {{. | toJson }} }
        {{ end -}}

        """),
    ]

    static let users: [(String, String)] = [
        ("research example", "{{range .}}{{.Source.Value}} {{.Scenario | upper}} {{. | toJson}}{{end}}"),
        ("pretty JSON", "{{ . | toPrettyJson }}"),
        ("raw JSON keeps <>&", "{{ range . }}{{ .Source | toRawJson }}\n{{ end }}"),
        ("alert count", "{{len .}} alerts: {{range $i, $a := .}}{{if $i}}, {{end}}{{$a.Source.Value}}{{end}}"),
        ("if else-if else", "{{range .}}{{if eq .Source.Cn \"FR\"}}france{{else if .Source.Cn}}other{{else}}unknown{{end}};{{end}}"),
        ("with and else", "{{range .}}{{with .Source.AsName}}AS {{.}}{{else}}no AS{{end}}|{{end}}"),
        ("variable assignment", "{{$n := 0}}{{range .}}{{$n = add $n (len .Decisions)}}{{end}}decisions: {{$n}}"),
        ("break and continue", "{{range .}}{{if not .Decisions}}{{continue}}{{end}}{{.MachineID}}{{break}}{{end}}."),
        ("range else", "{{range .}}{{range .Decisions}}{{.Value}} {{else}}(none) {{end}}{{end}}"),
        ("define and template", "{{define \"line\"}}{{.Source.Value}} ({{.Scenario}}){{end}}{{range .}}{{template \"line\" .}}\n{{end}}"),
        ("block", "{{block \"header\" .}}{{len .}} new alerts{{end}}:\n{{range .}}- {{.MachineID}}\n{{end}}"),
        ("dollar inside range", "{{range .}}{{len $}}/{{.EventsCount}} {{end}}"),
        ("index and slice", "{{(index . 0).Source.Cn}} {{index (index . 0).Labels 1}} {{slice (index . 0).Labels 1}} {{len (slice . 1 2)}}"),
        ("chain on parenthesized pipeline", "{{(index . 1).Source.Value}}"),
        ("print family", "{{print 1 2 \"a\" \"b\" 3}}|{{println \"x\" 4}}|{{printf \"%s has %d decisions (%v)\" (index . 0).MachineID (len (index . 0).Decisions) true}}"),
        ("printf padding and quoting", "{{range .}}{{printf \"%-15s|%5d|%q|%05d|%x|%t|%.2f|%v\\n\" .Source.IP (len .Decisions) .MachineID .ID .MachineID .Remediation 3.14159 .Labels}}{{end}}"),
        ("html js urlquery", "{{range .}}{{html .Message}}\n{{js .Message}}\n{{urlquery .Source.Value}}\n{{end}}"),
        ("comparisons", "{{range .}}{{lt (len .Decisions) 2}} {{ge .ID 7}} {{ne .MachineID \"edge-01\"}} {{gt \"b\" \"a\"}} {{le 1.5 2.5}}|{{end}}"),
        ("eq with several arguments", "{{range .}}{{eq .Source.Cn \"DE\" \"FR\"}} {{end}}"),
        ("and or not", "{{and 1 0 \"x\"}} {{or 0 \"\" \"z\"}} {{not .}} {{and . \"last\"}} {{or (index . 0).Source.Cn \"none\"}}"),
        ("pointer truth and printing", "{{range .}}{{if .Scenario}}[{{.Scenario}}]{{end}}{{if .Simulated}}sim{{end}} {{.Capacity}} {{.Simulated}}|{{end}}"),
        ("constants", "{{ 1.5 }} {{ 3 }} {{ 0x10 }} {{ 1e3 }} {{ -7 }} {{ 'a' }} {{ \"q\" }} {{ `raw\\n` }} {{ true }} {{ 010 }}"),
        ("comments and trimming", "a  {{- /* a comment */ -}}  b {{/* kept spaces */}} c\n{{- \" d \" -}}\n e"),
        ("meta and events", "{{range .}}{{range .Meta}}{{.Key}}={{.Value}};{{end}}{{range .Events}}[{{.Timestamp}}{{range .Meta}} {{.Key}}:{{.Value}}{{end}}]{{end}}\n{{end}}"),
        ("methods", "{{range .}}{{.GetMeta \"target_user\"}}|{{.GetScope}}|{{.GetValue}}|{{.GetScenario}}|{{.GetEventsCount}}|{{.Source.GetAsNumberName}}|{{.HasRemediation}}\n{{end}}"),
        ("event method", "{{range .}}{{range .Events}}{{.GetMeta \"service\"}} {{end}}{{end}}"),
        ("floats", "{{range .}}{{.Source.Latitude}} {{.Source.Longitude}} {{.Source | toJson}}\n{{end}}"),
        ("float arithmetic constants", "{{ 0.1 }} {{ 100000.0 }} {{ 1234567.0 }} {{ 0.00001 }} {{ float64 \"2.50\" }} {{ list 1.0 2.5e-7 3e21 | toJson }}"),
        ("dates from alert fields", "{{range .}}{{.StartAt | toDate \"2006-01-02T15:04:05Z07:00\" | date \"Mon Jan 2 15:04:05 MST 2006\"}}\n{{end}}"),
        ("dateInZone and layouts", "{{range .}}{{dateInZone \"2006-01-02 03:04:05.000 PM -07:00 Z0700 _2 Jan January Monday\" (toDate \"2006-01-02T15:04:05Z07:00\" .StopAt) \"UTC\"}}\n{{end}}"),
        ("unixEpoch and htmlDate", "{{range .}}{{toDate \"2006-01-02T15:04:05Z07:00\" .StartAt | unixEpoch}} {{toDate \"2006-01-02T15:04:05Z07:00\" .StartAt | htmlDate}} {{date \"2006-01-02\" 86400}}\n{{end}}"),
        ("named zones", "{{range .}}{{$t := toDate \"2006-01-02T15:04:05Z07:00\" .StartAt}}{{dateInZone \"2006-01-02 15:04 MST -0700\" $t \"Europe/Paris\"}} | {{dateInZone \"Jan 2 3:04PM MST\" $t \"America/New_York\"}} | {{dateInZone \"15:04 MST\" $t \"Nowhere/Unknown\"}} | {{dateInZone \"15:04 MST\" 1700000000 \"Asia/Kolkata\"}}\n{{end}}"),
        ("toDate layouts", "{{ toDate \"02/01/2006 15:04\" \"25/12/2022 08:30\" | date \"2006-01-02T15:04:05Z07:00\" }} {{ toDate \"Jan _2 2006\" \"Feb  3 2021\" | unixEpoch }} {{ toDate \"2006-01-02\" \"not a date\" | unixEpoch }} {{ toDate \"2006-01-02T15:04:05.000Z\" \"2022-12-01T10:00:05.123Z\" | date \"05.000000\" }} {{ toDate \"3:04PM\" \"11:15AM\" | date \"15:04\" }}"),
        ("trim markers and negative numbers", "{{-3}} {{- 3 -}} x {{ -3 }} {{add -1 -2}}\n\t{{- \"t\" }}"),
        ("nested define using dollar", "{{define \"T\"}}[{{len $}} {{.}}]{{end}}{{range .}}{{template \"T\" .MachineID}}{{end}}"),
        ("less common sprig functions", "{{ all 1 \"a\" }} {{ all 1 \"\" }} {{ any 0 \"\" }} {{ any }} {{ until 3 | toJson }} {{ until -2 | toJson }} {{ mustToJson (list 1) }} {{ toStrings (list 1 \"a\" nil) | toJson }} {{ concat (list 1) (list 2 3) | toJson }} {{ tuple 1 2 | toJson }} {{ biggest 1 5 }} {{ push (list 1) 2 | toJson }} {{ trimall \"x\" \"xax\" }} {{ splitn \",\" 3 \"a,b,c,d\" | toJson }} {{ swapcase \"Hello World\" }} {{ abbrev 5 \"hello world\" }} {{ date_in_zone \"2006\" 0 \"UTC\" }} {{ htmlDateInZone 86400 \"UTC\" }} {{ coalesce 0 \"\" }}|{{ first (list) }}|{{ int64 \"3.0\" }} {{ int \"3.5\" }} {{ int \"010\" }} {{ float64 3 }} {{ kindOf 1.5 }} {{ typeOf (dict) }} {{ kindOf (index . 0) }} {{ typeOf nil }}"),
        ("now is now", "{{ now | date \"2006\" | len }} {{ now | unixEpoch | len }}"),
        ("env", "[{{ env \"WARDEN_TEMPLATE_TEST\" }}] [{{ env \"WARDEN_TEMPLATE_SURELY_UNSET\" }}] [{{ expandenv \"v=${WARDEN_TEMPLATE_TEST} $WARDEN_TEMPLATE_TEST\" }}]"),
        ("case functions", "{{range .}}{{.Scenario | lower}} {{.Source.AsName | upper}} {{.Message | title}} {{\"ABC def\" | untitle}} {{\"aBc\" | swapcase}}\n{{end}}"),
        ("trim family", "[{{trim \"  x y \\n\"}}] [{{trimAll \"-\" \"--a-b--\"}}] [{{trimPrefix \"crowdsecurity/\" (index . 0).Scenario}}] [{{trimSuffix \"-bf\" (index . 0).Scenario}}] [{{nospace \" a b \"}}]"),
        ("join split", "{{range .}}{{join \", \" .Labels}}|{{end}} {{(split \"/\" \"a/b/c\")._1}} {{splitList \"/\" \"a/b/c\" | toJson}} {{splitn \"/\" 2 \"a/b/c\" | toJson}}"),
        ("replace contains prefix suffix", "{{range .}}{{replace \"crowdsecurity/\" \"cs:\" .Scenario}} {{contains \"ssh\" .Scenario}} {{hasPrefix \"crowdsecurity\" .Scenario}} {{hasSuffix \"bf\" .Scenario}}\n{{end}}"),
        ("default and empty", "{{range .}}{{default \"??\" .Source.Cn}} {{default \"none\" .Labels}} {{empty .Labels}} {{empty .Source.Cn}} {{default \"x\" .Scenario}} {{empty .Scenario}} {{coalesce .Source.Cn .MachineID \"-\"}}\n{{end}}"),
        ("quote squote cat", "{{range .}}{{quote .Source.IP .MachineID}} {{squote .Source.Cn}} {{cat .MachineID .ID \"x\" nil 2}}\n{{end}}"),
        ("base64", "{{ \"crowdsec <3\" | b64enc }} {{ \"Y3Jvd2RzZWMgPDM=\" | b64dec }} {{ \"%%%\" | b64dec }}"),
        ("list and dict", "{{ $d := dict \"ip\" (index . 0).Source.Value \"n\" 3 \"tags\" (list \"a\" 1 true) }}{{ $d | toJson }} {{ get $d \"ip\" }} {{ get $d \"missing\" }} {{ hasKey $d \"n\" }} {{ keys $d | sortAlpha | join \",\" }}"),
        ("set mutates the dict", "{{- $d := dict -}}{{- range . -}}{{- $_ := set $d .Source.Value .MachineID -}}{{- end -}}{{ $d | toJson }} {{ $_ := unset $d \"192.0.2.7\" }}{{ len $d }}"),
        ("list functions", "{{ $l := list 3 1 2 1 }}{{ first $l }} {{ last $l }} {{ rest $l | toJson }} {{ initial $l | toJson }} {{ reverse $l | toJson }} {{ uniq $l | toJson }} {{ has 2 $l }} {{ append $l 9 | toJson }} {{ prepend $l 0 | toJson }} {{ slice $l 1 3 | toJson }} {{ compact (list 0 \"\" 1) | toJson }}"),
        ("arithmetic", "{{ add 1 2 3 }} {{ sub 10 4 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 2 }} {{ add1 41 }} {{ max 3 9 2 }} {{ min 3 9 2 }} {{ int \"42\" }} {{ int 3.9 }} {{ int64 \"0x10\" }} {{ atoi \"12\" }} {{ add (index . 0).EventsCount 1 }}"),
        ("toString and kinds", "{{range .}}{{toString .EventsCount | len | toString}} {{kindOf .Labels}} {{typeOf .Source.Cn}} {{kindOf .Scenario}} {{typeOf .Decisions}} {{typeOf .Meta}}\n{{end}}"),
        ("indent repeat substr trunc", "{{ \"a\\nb\" | indent 2 }}|{{ \"a\\nb\" | nindent 4 }}|{{ repeat 3 \"ab\" }}|{{ substr 0 5 (index . 0).Scenario }}|{{ trunc 8 (index . 0).Scenario }}|{{ trunc -2 \"abcdef\" }}|{{ abbrev 8 (index . 0).Scenario }}"),
        ("ternary and plural", "{{range .}}{{ternary \"sim\" \"live\" (eq (toString .Simulated) \"true\")}} {{len .Decisions | plural \"decision\" \"decisions\"}}\n{{end}}"),
        ("splunk style event", "{{range .}}{\"event\": {{ . | toJson }}, \"sourcetype\": \"crowdsec\", \"host\": {{ .MachineID | quote }}}\n{{end}}"),
        ("slack blocks via dict", "{{ $blocks := list }}{{ range . }}{{ $blocks = append $blocks (dict \"type\" \"section\" \"text\" (dict \"type\" \"mrkdwn\" \"text\" (printf \"*%s* from `%s`\" .MachineID (.Source.GetValue)))) }}{{ end }}{{ dict \"blocks\" $blocks | toJson }}"),
        ("discord style", "{\"content\": \"{{range .}}{{.Source.Value}} {{range .Decisions}}{{.Type}} {{.Duration}}{{end}}\\n{{end}}\"}"),
        ("email with table", "<table>{{range $a := .}}{{range $d := $a.Decisions}}<tr><td>{{$d.Value}}</td><td>{{$d.Type | upper}}</td><td>{{$a.Source.Cn | default \"?\"}}</td><td>{{$d.Until}}</td></tr>{{end}}{{end}}</table>"),
        ("decision ids and simulated", "{{range .}}{{range .Decisions}}{{.ID}} {{.Simulated}} {{if .Simulated}}sim{{end}} {{.Until}}|{{end}}{{end}}"),
        ("decision toJson omitempty", "{{range .}}{{range .Decisions}}{{. | toJson}}\n{{end}}{{end}}"),
        ("source struct printing", "{{range .}}{{.Labels}} {{.Source.Cn}} {{len .Meta}} {{.ID}} {{.Remediation}}\n{{end}}"),
        ("with variable", "{{with $x := index . 0}}{{$x.MachineID}} {{.Source.Range}}{{end}}"),
        ("missing map key", "{{ $d := dict \"a\" 1 }}[{{ $d.b }}] [{{ index $d \"b\" }}] [{{ $d.b.c }}]"),
        ("regex-free sortAlpha", "{{ list \"b\" \"a\" \"C\" | sortAlpha | toJson }} {{ sortAlpha \"x\" | toJson }}"),
        ("fromJson", "{{ $o := fromJson \"{\\\"a\\\": [1, 2.5, \\\"x\\\"], \\\"b\\\": null}\" }}{{ $o.a }} {{ $o | toJson }} {{ index $o.a 1 }}"),
        ("toJson escapes", "{{ list \"<script>&\" \"line\\nbreak\\ttab\" \"\\u2028\" \"é\" | toJson }}"),
        ("untouched text with braces", "{ \"a\": { \"b\": 1 } } }} {"),
        ("empty output", "{{- range . -}}{{- end -}}"),
    ]

    static let errors: [(String, String)] = [
        ("unknown field in alert", "{{range .}}\n  {{.Source.Value}} {{.Sourc.Value}}\n{{end}}"),
        ("unknown field on the list", "{{.Foo}}"),
        ("field of a string", "{{range .}}{{.Source.Cn.Foo}}{{end}}"),
        ("eq on a pointer", "{{range .}}{{if eq .Scenario \"crowdsecurity/ssh-bf\"}}x{{end}}{{end}}"),
        ("missing end", "{{range .}}{{.Scenario}}"),
        ("undefined function", "line one\n{{ foo . }}"),
        ("unclosed action", "{{ .Foo "),
        ("unclosed action over lines", "{{ range .\n\n"),
        ("undefined variable", "{{range .}}\n{{ $x }}{{end}}"),
        ("missing value", "a\nb\n{{ if }}x{{ end }}"),
        ("unexpected end", "text {{end}}"),
        ("unexpected else", "{{else}}"),
        ("wrong argument type", "{{ upper 3 }}"),
        ("wrong argument count", "{{ upper }}"),
        ("index out of range", "{{ index . 10 }}"),
        ("unterminated string", "{{ \"abc }}"),
        ("division by zero", "{{range .}}{{ div .EventsCount 0 }}{{end}}"),
        ("bad character", "{{ .A# }}"),
        ("break outside range", "{{ break }}"),
        ("template not defined", "{{ template \"x\" . }}"),
        // Found with Fuzz/ (fuzz-template): a failing {{block}} or {{define}} body left the
        // variables of the template it opened, and the enclosing {{if}} popped past its own.
        ("block body fails inside an action", "{{$a := 1}}{{if .}}{{block \"b\" .}}{{bogus}}{{end}}{{end}}"),
        ("define body fails after a variable", "{{$a := 1}}{{if .}}{{end}}{{define \"d\"}}{{bogus}}{{end}}"),
        ("non executable command", "{{ . | 3 }}"),
        ("fail", "{{ fail \"boom\" }}"),
        ("printf without format", "{{ printf }}"),
        ("range over a string", "{{ range \"abc\" }}{{ end }}"),
        ("nil pointer dereference in a function argument", "{{ $d := dict }}{{ upper $d.x }}"),
        ("method with wrong argument", "{{range .}}{{ .GetMeta 3 }}{{end}}"),
        ("unexpected paren", "{{ ) }}"),
        ("bad number", "{{ 3x }}"),
        ("comment not closed", "{{/* abc }}"),
        ("too many declarations", "{{ $a, $b := . }}"),
        ("non-function with arguments", "{{ .MachineID 3 }}"),
        ("first of a string", "{{ first \"abc\" }}"),
    ]

    static var all: [(String, String)] { shipped + users + errors }
}

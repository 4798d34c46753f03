// Command template-oracle renders Go text/template formats with sprig's
// functions over CrowdSec alerts, exactly as CrowdSec 1.4.6's notification
// broker does (pkg/csplugin/broker.go, formatAlerts), so Warden's Swift engine
// can be compared with the real one byte for byte.
//
// Input (stdin): {"alerts": [<models.Alert JSON>...], "templates": ["...", ...]}
// Output (stdout): one JSON object per template, in order: {"output": "..."} or {"error": "..."}.
//
// Build in GOPATH mode against Debian's packages (Tests/support/install-deps.sh --with-go),
// with this folder reachable as "wardenoracle" so the alert types print as
// models.Alert, as they do in CrowdSec's error messages:
//   mkdir -p $G/src && ln -s "$PWD" $G/src/wardenoracle
//   GO111MODULE=off GOPATH=$G:/usr/share/gocode go build -o template-oracle wardenoracle
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"

	"wardenoracle/models"
)

type request struct {
	Alerts    []*models.Alert `json:"alerts"`
	Templates []string `json:"templates"`
}

type answer struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

// render is CrowdSec's formatAlerts: a template named "" with sprig's text functions.
func render(format string, alerts []*models.Alert) (string, error) {
	t, err := template.New("").Funcs(sprig.TxtFuncMap()).Parse(format)
	if err != nil {
		return "", err
	}
	b := new(strings.Builder)
	if err := t.Execute(b, alerts); err != nil {
		return "", err
	}
	return b.String(), nil
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintf(os.Stderr, "template-oracle: cannot decode the request: %v\n", err)
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	for _, format := range req.Templates {
		text, err := render(format, req.Alerts)
		var a answer
		if err != nil {
			message := err.Error()
			a.Error = &message
		} else {
			a.Output = &text
		}
		if err := out.Encode(a); err != nil {
			os.Exit(3)
		}
	}
}

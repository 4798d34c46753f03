// The reference for Warden's expression engine: CrowdSec 1.4.6's profile
// environment (its Alert model with its methods, and its helpers) over Debian's
// antonmedv/expr. Reads the alerts and lookup tables (argument 1, JSON) and the
// corpus (argument 2, one expression a line); prints one JSON line per alert and
// expression: {"phase":"ok","type":...,"value":...} or {"phase":"compile"|"run","error":...}.
// Build in GOPATH mode with this folder as the package wardenoracle (so the Alert
// type prints as *models.Alert): see Tests/WardenExprTests/DifferentialTests.swift.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/antonmedv/expr"

	"wardenoracle/models"
)

type fixture struct {
	Now    string           `json:"now"`
	Alerts []*models.Alert         `json:"alerts"`
	Counts map[string]int   `json:"counts"`
	Since  map[string]int   `json:"since"`
	Active map[string]int   `json:"active"`
	Left   map[string]int64 `json:"time_left_seconds"`
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var f fixture
	check(json.Unmarshal(data, &f))
	corpus, err := os.Open(os.Args[2])
	check(err)
	var lines []string
	scanner := bufio.NewScanner(corpus)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, alert := range f.Alerts {
		for _, line := range lines {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			source := strings.TrimPrefix(line, "~")
			record := evaluate(source, env(&f, alert))
			encoded, _ := json.Marshal(record)
			out.Write(encoded)
			out.WriteString("\n")
		}
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// env is CrowdSec 1.4.6's GetExprEnv(map{"Alert": alert}) with the database
// helpers answered from the fixture's tables, plus the two counting helpers
// later CrowdSec adds (GetActiveDecisionsCount, GetActiveDecisionsTimeLeft).
func env(f *fixture, alert *models.Alert) map[string]interface{} {
	return map[string]interface{}{
		"Upper":     strings.ToUpper,
		"Lower":     strings.ToLower,
		"IpInRange": models.IpInRange,
		"IpToRange": models.IpToRange,
		"TimeNow":   func() string { return f.Now },
		"Sprintf":   fmt.Sprintf,
		"GetDecisionsCount": func(value string) int {
			return f.Counts[value]
		},
		"GetDecisionsSinceCount": func(value string, since string) int {
			if _, err := time.ParseDuration(since); err != nil {
				return 0
			}
			return f.Since[value+"|"+since]
		},
		"GetActiveDecisionsCount": func(value string) int {
			return f.Active[value]
		},
		"GetActiveDecisionsTimeLeft": func(value string) time.Duration {
			return time.Duration(f.Left[value]) * time.Second
		},
		"Alert": alert,
	}
}

type record struct {
	Phase string `json:"phase"`
	Type  string `json:"type,omitempty"`
	Value string `json:"value,omitempty"`
	Error string `json:"error,omitempty"`
}

func evaluate(source string, environment map[string]interface{}) (r record) {
	defer func() {
		if p := recover(); p != nil {
			r = record{Phase: "crash", Error: fmt.Sprint(p)}
		}
	}()
	program, err := expr.Compile(source, expr.Env(environment))
	if err != nil {
		return record{Phase: "compile", Error: firstLine(err.Error())}
	}
	value, err := expr.Run(program, environment)
	if err != nil {
		return record{Phase: "run", Error: firstLine(err.Error())}
	}
	return record{Phase: "ok", Type: fmt.Sprintf("%T", value), Value: render(value)}
}

func firstLine(text string) string {
	return strings.SplitN(text, "\n", 2)[0]
}

// A driver for the Traefik bouncer plugin (maxlerebourg/crowdsec-bouncer-traefik-plugin),
// built from the plugin's own source instead of inside Traefik's Yaegi interpreter: the
// plugin is an http.Handler factory, so this program creates one in the mode given as
// its argument, in front of a handler that answers 200, and replays requests from the
// addresses it reads on stdin. The plugin's code is unchanged; only its host differs.
// The same file builds with v1.5.1 (Go 1.19) and v1.7.1 (Go >= 1.22): it only sets
// configuration fields both versions have. v1.7.1's streamStartupBlock (default true)
// makes New do the first stream pull before it returns; v1.5.1 pulls in the background.
//
// Usage: harness MODE LAPI_URL LAPI_KEY   (MODE: live, none or stream)
// Reads lines `check ADDRESS` and prints `ADDRESS STATUS` for each; `wait SECONDS`
// sleeps; EOF ends the program. The plugin logs to os.Stdout (both versions, any level),
// so the answers keep the process's real stdout and os.Stdout is pointed at stderr
// before the plugin is created: its log lines never mix with the answers.
package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	plugin "github.com/maxlerebourg/crowdsec-bouncer-traefik-plugin"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: harness MODE LAPI_URL LAPI_KEY")
		os.Exit(64)
	}
	answers := os.Stdout
	os.Stdout = os.Stderr
	lapi, err := url.Parse(os.Args[2])
	if err != nil {
		fmt.Fprintf(os.Stderr, "harness: LAPI_URL %q: %v\n", os.Args[2], err)
		os.Exit(64)
	}
	config := plugin.CreateConfig()
	config.Enabled = true
	config.LogLevel = "INFO"
	config.CrowdsecMode = os.Args[1]
	config.CrowdsecLapiScheme = lapi.Scheme
	config.CrowdsecLapiHost = lapi.Host
	config.CrowdsecLapiKey = os.Args[3]
	config.UpdateIntervalSeconds = 1
	// Live mode caches each answer this long; 1 s keeps a deletion visible quickly.
	config.DefaultDecisionSeconds = 1
	upstream := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	handler, err := plugin.New(context.Background(), upstream, config, "warden-check")
	if err != nil {
		fmt.Fprintf(os.Stderr, "harness: the plugin refused its configuration: %v\n", err)
		os.Exit(1)
	}
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		switch {
		case len(fields) == 2 && fields[0] == "check":
			request := httptest.NewRequest(http.MethodGet, "http://app.test/", nil)
			request.RemoteAddr = net.JoinHostPort(fields[1], "40000")
			recorder := httptest.NewRecorder()
			handler.ServeHTTP(recorder, request)
			fmt.Fprintf(answers, "%s %d\n", fields[1], recorder.Code)
		case len(fields) == 2 && fields[0] == "wait":
			seconds, _ := strconv.ParseFloat(fields[1], 64)
			time.Sleep(time.Duration(seconds * float64(time.Second)))
		default:
			fmt.Fprintf(os.Stderr, "harness: unknown line %q\n", lines.Text())
			os.Exit(64)
		}
	}
}

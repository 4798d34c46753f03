// The reference for Warden's LAPI wire encoding: Go itself (the toolchain CrowdSec
// 1.4.6 is built with in Debian). Reads one request per line on stdin and writes
// one answer per line on stdout:
//
//	d <nanoseconds>                     -> time.Duration(n).String()
//	j <id> <ns> <origin> <scenario> <scope> <type> <value>
//	                                    -> json.Marshal of a decision as LAPI sends it
//	                                       (strings hex-encoded in the request)
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"time"
)

// decision declares its fields in the order of CrowdSec's swagger-generated models.Decision.
type decision struct {
	Duration *string `json:"duration"`
	ID       int64   `json:"id"`
	Origin   *string `json:"origin"`
	Scenario *string `json:"scenario"`
	Scope    *string `json:"scope"`
	Type     *string `json:"type"`
	Value    *string `json:"value"`
}

func number(text string) int64 {
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		panic(err)
	}
	return n
}

func unhex(text string) *string {
	raw, err := hex.DecodeString(text)
	if err != nil {
		panic(err)
	}
	s := string(raw)
	return &s
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		fields := strings.Split(in.Text(), " ")
		switch fields[0] {
		case "d":
			out.WriteString(time.Duration(number(fields[1])).String())
		case "j":
			duration := time.Duration(number(fields[2])).String()
			body, err := json.Marshal(decision{
				Duration: &duration, ID: number(fields[1]), Origin: unhex(fields[3]), Scenario: unhex(fields[4]),
				Scope: unhex(fields[5]), Type: unhex(fields[6]), Value: unhex(fields[7]),
			})
			if err != nil {
				panic(err)
			}
			out.Write(body)
		default:
			panic("unknown request " + fields[0])
		}
		out.WriteByte('\n')
	}
	out.Flush()
}

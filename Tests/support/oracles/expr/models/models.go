package models

import (
	"net"
	"strconv"
	"strings"

	"github.com/c-robinson/iplib"
)

// CrowdSec 1.4.6's pkg/models types, as far as expressions can see them: the
// same field names, Go types and JSON names, and the helper methods of
// pkg/models/helpers.go.
type Alert struct {
	Capacity        *int32      `json:"capacity"`
	CreatedAt       string      `json:"created_at,omitempty"`
	Decisions       []*Decision `json:"decisions"`
	Events          []*Event    `json:"events"`
	EventsCount     *int32      `json:"events_count"`
	ID              int64       `json:"id,omitempty"`
	Labels          []string    `json:"labels"`
	Leakspeed       *string     `json:"leakspeed"`
	MachineID       string      `json:"machine_id,omitempty"`
	Message         *string     `json:"message"`
	Meta            Meta        `json:"meta,omitempty"`
	Remediation     bool        `json:"remediation,omitempty"`
	Scenario        *string     `json:"scenario"`
	ScenarioHash    *string     `json:"scenario_hash"`
	ScenarioVersion *string     `json:"scenario_version"`
	Simulated       *bool       `json:"simulated"`
	Source          *Source     `json:"source"`
	StartAt         *string     `json:"start_at"`
	StopAt          *string     `json:"stop_at"`
}

type Decision struct {
	Duration  *string `json:"duration"`
	ID        int64   `json:"id,omitempty"`
	Origin    *string `json:"origin"`
	Scenario  *string `json:"scenario"`
	Scope     *string `json:"scope"`
	Simulated *bool   `json:"simulated,omitempty"`
	Type      *string `json:"type"`
	Until     string  `json:"until,omitempty"`
	Value     *string `json:"value"`
}

type Event struct {
	Meta      Meta    `json:"meta"`
	Timestamp *string `json:"timestamp"`
}

type Meta []*MetaItems0

type MetaItems0 struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

type Source struct {
	AsName    string  `json:"as_name,omitempty"`
	AsNumber  string  `json:"as_number,omitempty"`
	Cn        string  `json:"cn,omitempty"`
	IP        string  `json:"ip,omitempty"`
	Latitude  float32 `json:"latitude,omitempty"`
	Longitude float32 `json:"longitude,omitempty"`
	Range     string  `json:"range,omitempty"`
	Scope     *string `json:"scope"`
	Value     *string `json:"value"`
}

func (a *Alert) HasRemediation() bool { return true }

func (a *Alert) GetScope() string {
	if a.Source.Scope == nil {
		return ""
	}
	return *a.Source.Scope
}

func (a *Alert) GetValue() string {
	if a.Source.Value == nil {
		return ""
	}
	return *a.Source.Value
}

func (a *Alert) GetScenario() string {
	if a.Scenario == nil {
		return ""
	}
	return *a.Scenario
}

func (a *Alert) GetEventsCount() int32 {
	if a.EventsCount == nil {
		return 0
	}
	return *a.EventsCount
}

func (e *Event) GetMeta(key string) string {
	for _, meta := range e.Meta {
		if meta.Key == key {
			return meta.Value
		}
	}
	return ""
}

func (a *Alert) GetMeta(key string) string {
	for _, meta := range a.Meta {
		if meta.Key == key {
			return meta.Value
		}
	}
	return ""
}

func (s Source) GetValue() string {
	if s.Value == nil {
		return ""
	}
	return *s.Value
}

func (s Source) GetScope() string {
	if s.Scope == nil {
		return ""
	}
	return *s.Scope
}

func (s Source) GetAsNumberName() string {
	ret := ""
	if s.AsNumber != "0" {
		ret += s.AsNumber
	}
	if s.AsName != "" {
		ret += " " + s.AsName
	}
	return ret
}

// IpInRange and IpToRange behave as CrowdSec 1.4.6's pkg/exprhelpers versions.
func IpInRange(ip string, ipRange string) bool {
	parsed := net.ParseIP(ip)
	if parsed == nil {
		return false
	}
	_, network, err := net.ParseCIDR(ipRange)
	if err != nil {
		return false
	}
	return network.Contains(parsed)
}

func IpToRange(ip string, cidr string) string {
	cidr = strings.TrimPrefix(cidr, "/")
	mask, err := strconv.Atoi(cidr)
	if err != nil {
		return ""
	}
	parsed := net.ParseIP(ip)
	if parsed == nil {
		return ""
	}
	network := iplib.NewNet(parsed, mask)
	if network.IP() == nil {
		return ""
	}
	return network.String()
}

package person

import (
	"encoding/json"
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// TestConfiguredReadsEveryEncoding decodes the records earlier builds
// wrote, and the one written now.
func TestConfiguredReadsEveryEncoding(t *testing.T) {
	t.Parallel()
	roleAndTeam := Configured(1<<Role | 1<<TeamName)
	for _, tc := range []struct {
		name    string
		private string // docker_scim_user's private state, framework format
		want    Configured
	}{
		// docker_scim_user until now: a JSON array of names, ["role","team_name"].
		{"names", `{"configured_attributes":"WyJyb2xlIiwidGVhbV9uYW1lIl0="}`, roleAndTeam},
		// Its first builds: display_name alone, "true".
		{"display name only", `{"display_name_configured":"dHJ1ZQ=="}`, 1 << DisplayName},
		// The one encoding, the roster's all along: a number, 80.
		{"bits", `{"configured_attributes":"ODA="}`, roleAndTeam},
		{"nothing set", `{"configured_attributes":"W10="}`, 0},
		{"no record", `{}`, 0},
		{"unreadable", `{"configured_attributes":"InJvbGUi"}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := ReadConfigured(tfproto.DecodePrivate([]byte(tc.private))); got != tc.want {
				t.Fatalf("ReadConfigured = %b, want %b", got, tc.want)
			}
		})
	}

	// The roster's record of its people, as written until now (and now).
	var roster struct {
		C map[string]Configured `json:"c"`
	}
	if err := json.Unmarshal([]byte(`{"c":{"a@x.example":80,"b@x.example":0}}`), &roster); err != nil ||
		roster.C["a@x.example"] != roleAndTeam || roster.C["b@x.example"] != 0 {
		t.Fatalf("roster record: %v %v", roster.C, err)
	}
}

// TestConfiguredWritesOneEncoding writes a number and drops the first
// builds' key.
func TestConfiguredWritesOneEncoding(t *testing.T) {
	t.Parallel()
	p := tfproto.Private{"display_name_configured": []byte("true")}
	c := ConfiguredIn(&Person{Attrs: [NumAttrs]tfproto.Str{Role: tfproto.Known("owner"), TeamName: tfproto.Known("t"),
		GivenName: tfproto.NullStr(), FamilyName: tfproto.NullStr(), DisplayName: tfproto.NullStr(),
		ExternalID: tfproto.NullStr(), OrgName: tfproto.NullStr()}})
	WriteConfigured(p, c)
	if string(p[ConfiguredKey]) != "80" || p["display_name_configured"] != nil || ReadConfigured(p) != c || !c.Has(Role) || c.Has(GivenName) {
		t.Fatalf("written %q (%b), private %v", p[ConfiguredKey], c, p)
	}
}

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// In-process tests of docker_scim_user's protocol RPCs, through the muxed
// server main.go serves, against mockhub: what the CLI sends, as
// DynamicValues, without the CLI. The acceptance tests drive the same
// code through the real CLIs.

// userRPC is one configured provider and the mockhub behind it.
type userRPC struct {
	t      *testing.T
	server tfprotov6.ProviderServer
	info   mockhub.Info
	srv    *httptest.Server
}

// newUserRPC starts mockhub behind wrap (nil: none) and configures the
// provider's SCIM settings for it.
func newUserRPC(t *testing.T, wrap func(http.Handler) http.Handler) *userRPC {
	t.Helper()
	mh, err := mockhub.New(mockhub.Options{SCIMToken: "rpc-token"})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = mh
	if wrap != nil {
		h = wrap(mh)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	r := &userRPC{t: t, srv: srv, info: mh.Info(srv.URL)}
	r.reconfigure()
	return r
}

// reconfigure starts a fresh provider, as each CLI command does.
func (r *userRPC) reconfigure() {
	r.server = NewServer("test")
	configureBenchProvider(r.t, r.server, r.info)
}

// userValues is a docker_scim_user object by attribute; unset ones are null.
type userValues map[string]any

// value encodes v; nil is the null object (no resource).
func (r *userRPC) value(v userValues) *tfprotov6.DynamicValue {
	r.t.Helper()
	if v == nil {
		dv, err := tfproto.Object(scimUserType, nil)
		if err != nil {
			r.t.Fatal(err)
		}
		return dv
	}
	a := map[string]tftypes.Value{}
	for name, typ := range scimUserType.AttributeTypes {
		a[name] = tftypes.NewValue(typ, v[name])
	}
	dv, err := tfproto.Object(scimUserType, a)
	if err != nil {
		r.t.Fatal(err)
	}
	return dv
}

// values decodes a DynamicValue; nil for a null object.
func (r *userRPC) values(dv *tfprotov6.DynamicValue) userValues {
	r.t.Helper()
	a, err := tfproto.Attributes(dv, scimUserType)
	if err != nil {
		r.t.Fatal(err)
	}
	if a == nil {
		return nil
	}
	out := userValues{}
	for name, v := range a {
		switch {
		case !v.IsKnown():
			out[name] = "(unknown)"
		case v.IsNull():
		case v.Type().Is(tftypes.Bool):
			var b bool
			_ = v.As(&b)
			out[name] = b
		default:
			var s string
			_ = v.As(&s)
			out[name] = s
		}
	}
	return out
}

// step is one plan and apply from prior (nil: create) to config (nil:
// destroy), as the CLI sends them.
type step struct {
	plan  *tfprotov6.PlanResourceChangeResponse
	apply *tfprotov6.ApplyResourceChangeResponse
}

func (r *userRPC) planApply(prior *tfprotov6.DynamicValue, priorPrivate []byte, config userValues) step {
	r.t.Helper()
	ctx := context.Background()
	r.reconfigure() // one command, one provider process
	if prior == nil {
		prior = r.value(nil)
	}
	cfg, proposed := r.value(nil), r.value(nil)
	if config != nil {
		cfg = r.value(config)
		merged := userValues{}
		for k, v := range r.values(prior) {
			merged[k] = v // computed attributes the configuration leaves unset keep state
		}
		for k, v := range config {
			merged[k] = v
		}
		for _, name := range []string{"on_destroy", "adopt_existing", "active"} {
			if _, set := config[name]; !set {
				delete(merged, name) // optional with a default: the configuration's null
			}
		}
		proposed = r.value(merged)
	}
	plan, err := r.server.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: scimUserTypeName,
		PriorState: prior, ProposedNewState: proposed, Config: cfg, PriorPrivate: priorPrivate})
	if err != nil {
		r.t.Fatal(err)
	}
	s := step{plan: plan}
	if hasError(plan.Diagnostics) {
		return s
	}
	s.apply, err = r.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: scimUserTypeName,
		PriorState: prior, PlannedState: plan.PlannedState, Config: cfg, PlannedPrivate: plan.PlannedPrivate,
		PlannedIdentity: plan.PlannedIdentity})
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *userRPC) read(state *tfprotov6.DynamicValue, private []byte) *tfprotov6.ReadResourceResponse {
	r.t.Helper()
	resp, err := r.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: scimUserTypeName, CurrentState: state, Private: private})
	if err != nil {
		r.t.Fatal(err)
	}
	return resp
}

// serverUser is the SCIM user as mockhub holds it.
func (r *userRPC) serverUser(id string) map[string]any {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.info.SCIMBaseURL+"/Users/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+r.info.SCIMToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var u map[string]any
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&u) != nil {
		r.t.Fatalf("GET user %s: %d", id, resp.StatusCode)
	}
	return u
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

// publishedReading makes mockhub read user writes as Docker's published
// API does: its ServiceProviderConfig offers no PATCH, and PUT takes the
// active state from enabled, false when it is missing, whatever active
// says.
func publishedReading(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/ServiceProviderConfig"):
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var spc map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &spc)
			spc["patch"] = map[string]any{"supported": false}
			w.Header().Set("Content-Type", "application/scim+json")
			_ = json.NewEncoder(w).Encode(spc)
			return
		case r.Method == http.MethodPatch:
			http.Error(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"405"}`, http.StatusMethodNotAllowed)
			return
		case r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/Users/"):
			body, _ := io.ReadAll(r.Body)
			var u map[string]any
			_ = json.Unmarshal(body, &u)
			enabled, _ := u["enabled"].(bool)
			u["active"] = enabled
			delete(u, "enabled")
			body, _ = json.Marshal(u)
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		next.ServeHTTP(w, r)
	})
}

func TestSCIMUserRPCValidate(t *testing.T) {
	t.Parallel()
	r := newUserRPC(t, nil)
	for _, tc := range []struct {
		name   string
		config userValues
		path   string // the attribute the error names; "" for none
		says   string
	}{
		{"minimal", userValues{"user_name": "ada@moby.example"}, "", ""},
		{"every attribute", userValues{"user_name": "ada@moby.example", "given_name": "Ada", "family_name": "Lovelace",
			"external_id": "00u1", "display_name": "ada", "role": "owner", "org_name": "moby", "team_name": "devs",
			"on_destroy": "deactivate", "active": false, "adopt_existing": true}, "", ""},
		{"user_name not an email", userValues{"user_name": "ada"}, "user_name", "must be an email address"},
		{"unknown role", userValues{"user_name": "ada@moby.example", "role": "admin"}, "role", `must be one of: ["member" "editor" "owner"]`},
		{"unknown on_destroy", userValues{"user_name": "ada@moby.example", "on_destroy": "forget"}, "on_destroy", `must be one of: ["delete" "deactivate"]`},
		{"empty given_name", userValues{"user_name": "ada@moby.example", "given_name": ""}, "given_name", "at least 1"},
		{"org name with spaces", userValues{"user_name": "ada@moby.example", "org_name": "my org"}, "org_name", "must be a Docker organization name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := r.server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
				TypeName: scimUserTypeName, Config: r.value(tc.config)})
			if err != nil {
				t.Fatal(err)
			}
			if tc.path == "" {
				if len(resp.Diagnostics) != 0 {
					t.Fatalf("diagnostics for a valid configuration: %s", diagText(resp.Diagnostics))
				}
				return
			}
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("want one diagnostic, got %d: %s", len(resp.Diagnostics), diagText(resp.Diagnostics))
			}
			d := resp.Diagnostics[0]
			if d.Severity != tfprotov6.DiagnosticSeverityError || !d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(tc.path)) ||
				!strings.Contains(d.Detail, tc.says) {
				t.Fatalf("diagnostic at %v: %s: %s; want an error at %s saying %q", d.Attribute, d.Summary, d.Detail, tc.path, tc.says)
			}
		})
	}
}

// The whole life of one person through the RPCs, on a server of either
// reading: no update may deactivate anyone the configuration keeps active.
func TestSCIMUserRPCLifecycle(t *testing.T) {
	t.Parallel()
	for _, reading := range []struct {
		name string
		wrap func(http.Handler) http.Handler
	}{{"RFC 7644", nil}, {"Docker's published PUT", publishedReading}} {
		t.Run(reading.name, func(t *testing.T) {
			t.Parallel()
			r := newUserRPC(t, reading.wrap)
			config := userValues{"user_name": "Ada@moby.example", "given_name": "Ada", "family_name": "Lovelace", "on_destroy": "deactivate"}

			created := r.planApply(nil, nil, config)
			if hasError(created.plan.Diagnostics) || hasError(created.apply.Diagnostics) {
				t.Fatalf("create: %s%s", diagText(created.plan.Diagnostics), diagText(created.apply.Diagnostics))
			}
			if got := r.values(created.plan.PlannedState); got["id"] != "(unknown)" || got["role"] != "member" || got["active"] != true {
				t.Fatalf("planned create %v: want id unknown, role member, active", got)
			}
			state := r.values(created.apply.NewState)
			id, _ := state["id"].(string)
			if id == "" || state["user_name"] != "Ada@moby.example" || state["display_name"] == nil {
				t.Fatalf("state after create %v", state)
			}
			if got := identityUserName(created.apply.NewIdentity); got != "ada@moby.example" {
				t.Fatalf("identity %q after create", got)
			}

			// A refresh in a new command changes nothing.
			r.reconfigure()
			read := r.read(created.apply.NewState, created.apply.Private)
			if hasError(read.Diagnostics) || !equalValues(r.values(read.NewState), state) {
				t.Fatalf("refresh: %v, %s; want %v", r.values(read.NewState), diagText(read.Diagnostics), state)
			}

			// A name change keeps the person active.
			config["given_name"] = "Augusta"
			renamed := r.planApply(read.NewState, read.Private, config)
			if hasError(renamed.apply.Diagnostics) {
				t.Fatalf("name change: %s", diagText(renamed.apply.Diagnostics))
			}
			u := r.serverUser(id)
			if u["active"] != true || u["name"].(map[string]any)["givenName"] != "Augusta" {
				t.Fatalf("after a name change the server holds %v", u)
			}

			// Deactivate and reactivate.
			prior, private := renamed.apply.NewState, renamed.apply.Private
			for _, active := range []bool{false, true} {
				config["active"] = active
				s := r.planApply(prior, private, config)
				if hasError(s.apply.Diagnostics) {
					t.Fatalf("active = %t: %s", active, diagText(s.apply.Diagnostics))
				}
				if got := r.serverUser(id)["active"]; got != active {
					t.Fatalf("active = %t applied, the server holds %v", active, got)
				}
				prior, private = s.apply.NewState, s.apply.Private
			}

			// Import by email in a new command reads the same person.
			r.reconfigure()
			imp, err := r.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: scimUserTypeName, ID: "ADA@moby.example"})
			if err != nil || hasError(imp.Diagnostics) || len(imp.ImportedResources) != 1 {
				t.Fatalf("import: %v %s", err, diagText(imp.Diagnostics))
			}
			if got := r.values(imp.ImportedResources[0].State); got["id"] != id || got["given_name"] != "Augusta" {
				t.Fatalf("imported %v", got)
			}

			// Destroy with on_destroy = "deactivate" keeps the user, inactive.
			gone := r.planApply(prior, private, nil)
			if hasError(gone.apply.Diagnostics) || r.values(gone.apply.NewState) != nil {
				t.Fatalf("destroy: state %v, %s", r.values(gone.apply.NewState), diagText(gone.apply.Diagnostics))
			}
			if got := r.serverUser(id)["active"]; got != false {
				t.Fatalf("after destroy with on_destroy = deactivate the server holds active = %v", got)
			}
		})
	}
}

func equalValues(a, b userValues) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A server that answers an update with the person deactivated (as
// Docker's published PUT does when it gets no enabled) fails the apply
// naming the person, and state records what the server holds.
func TestSCIMUserRPCUpdateAnsweredDeactivated(t *testing.T) {
	t.Parallel()
	deactivatesOnPut := func(next http.Handler) http.Handler {
		return publishedReading(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				body, _ := io.ReadAll(r.Body)
				body = bytes.Replace(body, []byte(`"active":true`), []byte(`"active":false`), 1)
				r.Body = io.NopCloser(bytes.NewReader(body))
				r.ContentLength = int64(len(body))
			}
			next.ServeHTTP(w, r)
		}))
	}
	r := newUserRPC(t, deactivatesOnPut)
	config := userValues{"user_name": "grace@moby.example", "given_name": "Grace"}
	created := r.planApply(nil, nil, config)
	if hasError(created.apply.Diagnostics) {
		t.Fatalf("create: %s", diagText(created.apply.Diagnostics))
	}
	config["given_name"] = "Amazing Grace"
	s := r.planApply(created.apply.NewState, created.apply.Private, config)
	if s.apply == nil {
		t.Fatalf("plan: %s", diagText(s.plan.Diagnostics))
	}
	text := diagText(s.apply.Diagnostics)
	if !hasError(s.apply.Diagnostics) || !strings.Contains(text, `"grace@moby.example"`) || !strings.Contains(text, "deactivated") {
		t.Fatalf("apply diagnostics %q: want an error naming the person and saying deactivated", text)
	}
	if got := r.values(s.apply.NewState); got["active"] != false {
		t.Fatalf("state after the failed update %v: want what the server holds (active = false)", got)
	}
}

// State written by earlier releases reads as it is.
func TestSCIMUserRPCUpgradeAndImportErrors(t *testing.T) {
	t.Parallel()
	r := newUserRPC(t, nil)
	raw := []byte(`{"id":"u1","user_name":"ada@moby.example","given_name":null,"family_name":null,"external_id":null,` +
		`"display_name":"ada","active":true,"role":"member","org_name":null,"team_name":null,"on_destroy":"delete","adopt_existing":false}`)
	up, err := r.server.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: scimUserTypeName, RawState: &tfprotov6.RawState{JSON: raw}})
	if err != nil || hasError(up.Diagnostics) {
		t.Fatalf("upgrade: %v %s", err, diagText(up.Diagnostics))
	}
	if got := r.values(up.UpgradedState); got["id"] != "u1" || got["display_name"] != "ada" || got["on_destroy"] != "delete" {
		t.Fatalf("upgraded %v", got)
	}
	for _, tc := range []struct{ id, says string }{
		{"nobody@moby.example", "No SCIM user"},
		{"", "Missing import ID"},
	} {
		imp, err := r.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: scimUserTypeName, ID: tc.id})
		if err != nil || !strings.Contains(diagText(imp.Diagnostics), tc.says) || len(imp.ImportedResources) != 0 {
			t.Fatalf("import %q: %v %s; want %q", tc.id, err, diagText(imp.Diagnostics), tc.says)
		}
	}
}

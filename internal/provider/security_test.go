package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/hub"
	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
)

// secretName matches attribute names that hold a credential.
var secretName = regexp.MustCompile(`(?i)token|password|secret`)

// tlsOptOutName matches attribute names that would switch TLS verification
// off, which the provider must never offer.
var tlsOptOutName = regexp.MustCompile(`(?i)insecure|skip_?tls|tls_?verify|verify_?tls|ca_?cert`)

// secAttr is one attribute found in a schema, with where it was found.
type secAttr struct {
	where     string
	name      string
	sensitive bool
}

// secWalk lists every attribute of a block, nested ones included.
func secWalk(where string, b *tfprotov6.SchemaBlock) []secAttr {
	if b == nil {
		return nil
	}
	var out []secAttr
	var walkObj func(where string, attrs []*tfprotov6.SchemaAttribute)
	walkObj = func(where string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			out = append(out, secAttr{where: where, name: a.Name, sensitive: a.Sensitive})
			if a.NestedType != nil {
				walkObj(where+"."+a.Name, a.NestedType.Attributes)
			}
		}
	}
	walkObj(where, b.Attributes)
	for _, nb := range b.BlockTypes {
		out = append(out, secWalk(where+"."+nb.TypeName, nb.Block)...)
	}
	return out
}

// TestSchemas_secretsAreSensitive walks the provider's, every resource's and
// every data source's schema as the CLI receives it: every attribute named
// like a token, password or secret is Sensitive, so the CLI never prints it
// in plans or outputs; and no attribute offers to switch TLS verification
// off.
func TestSchemas_secretsAreSensitive(t *testing.T) {
	t.Parallel()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	var attrs []secAttr
	attrs = append(attrs, secWalk("provider", resp.Provider.Block)...)
	for name, s := range resp.ResourceSchemas {
		attrs = append(attrs, secWalk("resource "+name, s.Block)...)
	}
	for name, s := range resp.DataSourceSchemas {
		attrs = append(attrs, secWalk("data source "+name, s.Block)...)
	}
	for name, s := range resp.EphemeralResourceSchemas {
		attrs = append(attrs, secWalk("ephemeral resource "+name, s.Block)...)
	}

	var secrets []string
	for _, a := range attrs {
		if tlsOptOutName.MatchString(a.name) {
			t.Errorf("%s has attribute %q: TLS verification must not be optional", a.where, a.name)
		}
		if !secretName.MatchString(a.name) {
			continue
		}
		secrets = append(secrets, a.where+"."+a.name)
		if !a.sensitive {
			t.Errorf("%s.%s holds a credential but is not Sensitive", a.where, a.name)
		}
	}
	sort.Strings(secrets)
	t.Logf("credential attributes checked: %v", secrets)
	// The walk must have seen the credentials we know of, or it proves nothing.
	for _, want := range []string{"provider.password", "provider.scim_token", "resource docker_scim_connection.token"} {
		found := false
		for _, s := range secrets {
			found = found || s == want
		}
		if !found {
			t.Errorf("schema walk did not find %s", want)
		}
	}
}

// TestClients_refuseUntrustedCertificates: both clients verify TLS, with no
// way to turn that off. A self-signed server is refused with an x509 error
// after one attempt (another attempt cannot fix a certificate), and the
// token never reaches it.
func TestClients_refuseUntrustedCertificates(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	// httptest logs each refused handshake; that is the point here.
	srv.Config.ErrorLog = nil

	sc, err := scim.New(scim.Config{BaseURL: srv.URL + "/v2/scim/2.0", Token: "tls-test-token"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sc.GetUser(context.Background(), "some-id")
	checkX509(t, "SCIM client", err)

	hc, err := hub.New(hub.Config{Host: srv.URL, Username: "admin", Password: "tls-test-password"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = hc.ListTeams(context.Background(), "moby")
	checkX509(t, "management client", err)

	if n := requests.Load(); n != 0 {
		t.Fatalf("the untrusted server received %d requests", n)
	}
}

func checkX509(t *testing.T, who string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s accepted a self-signed certificate", who)
	}
	if !strings.Contains(err.Error(), "x509") && !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("%s: error %q does not name the certificate problem", who, err)
	}
	if !httpx.IsNoResponse(err) {
		t.Fatalf("%s: error %T is not a transport error", who, err)
	}
	for _, secret := range []string{"tls-test-token", "tls-test-password"} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("%s: error echoes a secret: %q", who, err)
		}
	}
}

// TestAccSecurity_untrustedCertificateDiagnostic: at the provider level, a
// SCIM endpoint with a self-signed certificate is a clear x509 diagnostic.
func TestAccSecurity_untrustedCertificateDiagnostic(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	srv.Config.ErrorLog = nil
	expectCreateErrorFrom(t, srv.URL, "tls", `(?s)Couldn't create SCIM user.*(x509|certificate)`)
}

// TestAccSecurity_malformedResponseDiagnostic: a SCIM endpoint that answers
// with an HTML page (a proxy's error page, a login portal) becomes a
// diagnostic naming the request, the decoding problem and the content type,
// never a panic and never an adopted half-user.
func TestAccSecurity_malformedResponseDiagnostic(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("<html><body><h1>Welcome to the captive portal</h1></body></html>"))
	}))
	t.Cleanup(srv.Close)
	expectCreateErrorFrom(t, srv.URL, "html", `(?s)POST /v2/scim/2\.0/Users:\s+decoding\s+response:.*content-type\s+text/html`)
}

// expectCreateErrorFrom applies one docker_scim_user against the SCIM API
// of the server at url, named by label, and expects the error pattern.
func expectCreateErrorFrom(t *testing.T, url, label, pattern string) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "docker" {
  scim_base_url = "%s/v2/scim/2.0"
  scim_token    = "%s-test-token"
}

resource "docker_scim_user" "u" {
  user_name = "%s@moby.example"
}
`, url, label, label),
			ExpectError: regexp.MustCompile(pattern),
		}},
	})
}

// TestAccSecurity_authorizationNeverEchoed: a server that echoes the request's
// Authorization header back in its error (as some proxies do) does not get
// the token into the CLI's output: the diagnostic shows it redacted.
func TestAccSecurity_authorizationNeverEchoed(t *testing.T) {
	const token = "echo-me-scim-token-1234"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
			"status":  "400",
			"detail":  "bad request; you sent Authorization: " + r.Header.Get("Authorization"),
		})
	}))
	t.Cleanup(srv.Close)
	w := newCLIWork(t, fmt.Sprintf(`
provider "docker" {
  scim_base_url = "%s/v2/scim/2.0"
  scim_token    = %q
}

resource "docker_scim_user" "u" {
  user_name = "echo@moby.example"
}
`, srv.URL, token))
	r := w.run(nil, "apply", "-auto-approve", "-no-color", "-input=false")
	if r.err == nil {
		t.Fatalf("apply against a failing server succeeded:\n%s", r.output())
	}
	if !strings.Contains(r.output(), "Authorization: Bearer [REDACTED]") {
		t.Fatalf("the diagnostic does not show the server's error with the token redacted:\n%s", r.output())
	}
	if strings.Contains(r.output(), token) {
		t.Fatalf("the CLI output contains the SCIM token:\n%s", r.output())
	}
}

// TestAccSecurity_traceLogHasNoSecrets applies, plans and destroys a
// configuration that uses every credential (the management API password,
// the access token it is exchanged for, a SCIM token from the provider
// block, and a SCIM token issued by docker_scim_connection and handed to
// an aliased provider) with TF_LOG=trace, and searches everything the CLI
// and the provider's own process wrote: stdout, stderr and TF_LOG_PATH.
func TestAccSecurity_traceLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, fmt.Sprintf(`
provider "docker" {
  host          = %q
  username      = %q
  password      = %q
  scim_base_url = %q
  scim_token    = %q
}
`, h.info.HubURL, h.info.Username, h.info.Password, h.info.SCIMBaseURL, h.info.SCIMToken)+
		connectionWithProviderHCL("whale", "whale", mockhub.DefaultWhaleConnectionID, "whale")+`
resource "docker_scim_user" "moby" {
  user_name = "trace.moby@moby.example"
}

resource "docker_scim_user" "whale" {
  provider  = docker.whale
  user_name = "trace.whale@whale.example"
}

data "docker_sso_connections" "moby" {
  org_name = "moby"
}
`)

	logDir := workDir(t, "logs")
	var captured strings.Builder
	runLogged := func(name string, args ...string) cliResult {
		t.Helper()
		logPath := filepath.Join(logDir, name+".log")
		r := w.run([]string{"TF_LOG=trace", "TF_LOG_PATH=" + logPath}, args...)
		logText, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatalf("%s wrote no TF_LOG_PATH file: %v", name, err)
		}
		captured.WriteString(r.stdout)
		captured.WriteString(r.stderr)
		captured.Write(logText)
		if r.err != nil {
			t.Fatalf("%s: %v\n%s", name, r.err, r.output())
		}
		return r
	}
	runLogged("apply", "apply", "-auto-approve", "-no-color", "-input=false")

	whaleToken, _ := w.stateResources()["docker_scim_connection.whale"]["token"].(string)
	if whaleToken == "" {
		t.Fatal("docker_scim_connection.whale has no token in state")
	}
	if _, ok := h.scimUsers()["trace.moby@moby.example"]; !ok {
		t.Fatal("the apply did not create the moby user")
	}
	runLogged("plan", "plan", "-no-color", "-input=false")
	runLogged("destroy", "destroy", "-auto-approve", "-no-color", "-input=false")

	text := captured.String()
	// The capture must hold the provider's own trace logs, or it proves nothing.
	for _, want := range []string{"docker.http", "/v2/auth/token", "/v2/scim/2.0/Users"} {
		if !strings.Contains(text, want) {
			t.Fatalf("captured output has no %q: the provider's logs were not captured", want)
		}
	}
	secrets := map[string]string{
		"password":                     h.info.Password,
		"provider scim_token":          h.info.SCIMToken,
		"docker_scim_connection.token": whaleToken,
	}
	for what, secret := range secrets {
		if i := strings.Index(text, secret); i >= 0 {
			t.Errorf("the %s appears in the captured output: ...%s...", what, excerpt(text, i, len(secret)))
		}
	}
	// mockhub's access tokens start with mh_at_; none may appear in any form.
	if i := strings.Index(text, "mh_at_"); i >= 0 {
		t.Errorf("a management API access token appears in the captured output: ...%s...", excerpt(text, i, 6))
	}
	if m := regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9_\-.]{8,}`).FindStringIndex(text); m != nil {
		t.Errorf("a bearer credential appears in the captured output: ...%s...", excerpt(text, m[0], m[1]-m[0]))
	}
	t.Logf("searched %d bytes of CLI and provider output", len(text))
}

// excerpt shows the text around a leak with the secret itself masked, so
// that the test's own failure message does not leak it.
func excerpt(text string, i, n int) string {
	from, to := max(0, i-120), min(len(text), i+n+40)
	return text[from:i] + "<SECRET>" + text[i+n:to]
}

// TestAccSecurity_badValuesRejectedAtPlan covers the plan-time checks the
// resources' own tests leave out: each bad value is reported with its
// attribute path before any request is sent.
func TestAccSecurity_badValuesRejectedAtPlan(t *testing.T) {
	h := newHub(t)
	cases := map[string]struct{ config, want string }{
		"user org_name": {h.scimProvider() + `
resource "docker_scim_user" "x" {
  user_name = "x@moby.example"
  org_name  = "Moby Inc"
}`, `(?s)docker_scim_user\.x.*org_name.*"Moby Inc"`},
		"connection org_name": {h.hubProvider() + `
resource "docker_scim_connection" "x" {
  org_name          = "moby org!"
  sso_connection_id = "6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e01"
}`, `(?s)docker_scim_connection\.x.*org_name.*"moby org!"`},
		"request_timeout": {fmt.Sprintf(`
provider "docker" {
  scim_base_url   = %q
  scim_token      = %q
  request_timeout = "soon"
}
resource "docker_scim_user" "x" {
  user_name = "x@moby.example"
}`, h.info.SCIMBaseURL, h.info.SCIMToken), `(?s)request_timeout.*"soon"`},
		"max_requests_per_second": {fmt.Sprintf(`
provider "docker" {
  scim_base_url           = %q
  scim_token              = %q
  max_requests_per_second = 0
}
resource "docker_scim_user" "x" {
  user_name = "x@moby.example"
}`, h.info.SCIMBaseURL, h.info.SCIMToken), `(?s)max_requests_per_second.*at least 0\.1`},
	}
	// Plan only, and every configuration is invalid: no request of any
	// kind (not even a read) may reach mockhub. Runs after the subtests.
	t.Cleanup(func() { h.checkNoRequests(t) })
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

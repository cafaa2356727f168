package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The CLI harness runs the pinned CLI (TF_ACC_TERRAFORM_PATH) as a
// subprocess against the provider built as a real binary and installed
// through dev_overrides, as scripts/devrc.sh does. It serves the tests that
// terraform-plugin-testing cannot express: applying a saved plan, sending
// SIGINT mid-apply, and capturing TF_LOG=trace output of the CLI and the
// provider's own process.

// cliBuild builds the provider once per test binary run.
var cliBuild struct {
	once sync.Once
	dir  string
	err  error
}

// cliProviderDir returns the folder holding a freshly built
// terraform-provider-docker. The folder is per checkout and reused across
// runs, and the binary is replaced atomically, so concurrent test binaries
// (one per CLI) never see half a file and no temp folder is left per run.
func cliProviderDir(t *testing.T) string {
	t.Helper()
	cliBuild.once.Do(func() {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			cliBuild.err = err
			return
		}
		sum := sha256.Sum256([]byte(root))
		dir := filepath.Join(os.TempDir(), "terraform-provider-docker-acc-"+hex.EncodeToString(sum[:6]))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			cliBuild.err = err
			return
		}
		tmp, err := os.CreateTemp(dir, ".build-*")
		if err != nil {
			cliBuild.err = err
			return
		}
		_ = tmp.Close()
		cmd := exec.Command("go", "build", "-o", tmp.Name(), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			_ = os.Remove(tmp.Name())
			cliBuild.err = fmt.Errorf("building the provider: %w\n%s", err, out)
			return
		}
		if err := os.Rename(tmp.Name(), filepath.Join(dir, "terraform-provider-docker")); err != nil {
			cliBuild.err = err
			return
		}
		cliBuild.dir = dir
	})
	if cliBuild.err != nil {
		t.Fatal(cliBuild.err)
	}
	return cliBuild.dir
}

// cliPath is the CLI the acceptance tests run: TF_ACC_TERRAFORM_PATH, else
// tofu or terraform from PATH.
func cliPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"tofu", "terraform"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("TF_ACC_TERRAFORM_PATH is not set and neither tofu nor terraform is on PATH")
	return ""
}

// cliWork is one working directory driven by the real CLI.
type cliWork struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// newCLIWork prepares a working directory holding config (plus the
// required_providers block) and a CLI config whose dev_overrides point at
// the built provider. It skips unless TF_ACC is set, like every acceptance
// test.
func newCLIWork(t *testing.T, config string) *cliWork {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	bin := cliPath(t)
	providerDir := cliProviderDir(t)
	dir := workDir(t, "cli")
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.opentofu.org/dockerscim/docker" = %q
    "registry.terraform.io/dockerscim/docker" = %q
  }
  direct {}
}
`, providerDir, providerDir)
	rcPath := filepath.Join(dir, "..", "dev.tfrc")
	writeFile(t, rcPath, rc)

	// The subprocess gets a clean environment: no provider settings or log
	// settings leak in from the developer's shell.
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "DOCKER_") || strings.HasPrefix(k, "TF_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rcPath, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	w := &cliWork{t: t, bin: bin, dir: dir, env: env}
	w.setConfig(config)
	return w
}

// setConfig replaces the working directory's configuration.
func (w *cliWork) setConfig(config string) {
	w.t.Helper()
	writeFile(w.t, filepath.Join(w.dir, "main.tf"), `
terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}
`+config)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// cliResult is what one CLI run printed.
type cliResult struct {
	stdout, stderr string
	err            error
	took           time.Duration
}

func (r cliResult) output() string { return r.stdout + r.stderr }

// command builds a CLI invocation with extra environment variables.
func (w *cliWork) command(ctx context.Context, extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, w.bin, args...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string(nil), w.env...), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A hung CLI must not hang the test binary: after the deadline it is
	// killed, and its pipes are not waited on for long.
	cmd.WaitDelay = 5 * time.Second
	return cmd, &stdout, &stderr
}

// run runs the CLI to completion, with a generous deadline.
func (w *cliWork) run(extraEnv []string, args ...string) cliResult {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, stdout, stderr := w.command(ctx, extraEnv, args...)
	start := time.Now()
	err := cmd.Run()
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), err: err, took: time.Since(start)}
}

// mustRun runs the CLI and fails the test unless it succeeds.
func (w *cliWork) mustRun(args ...string) cliResult {
	w.t.Helper()
	r := w.run(nil, args...)
	if r.err != nil {
		w.t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(w.bin), strings.Join(args, " "), r.err, r.stdout, r.stderr)
	}
	return r
}

// stateFileName is the local backend's state file in a working directory.
const stateFileName = "terraform.tfstate"

// stateFile is the working directory's state file as the CLI left it.
func (w *cliWork) stateFile() []byte {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, stateFileName))
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// stateResources returns the managed resources of the current state, as
// `show -json` reports them: address → attribute values.
func (w *cliWork) stateResources() map[string]map[string]any {
	w.t.Helper()
	r := w.mustRun("show", "-json", "-no-color")
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					Address string         `json:"address"`
					Mode    string         `json:"mode"`
					Values  map[string]any `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		w.t.Fatalf("decoding show -json: %v\n%s", err, r.stdout)
	}
	out := map[string]map[string]any{}
	if doc.Values == nil {
		return out
	}
	for _, res := range doc.Values.RootModule.Resources {
		if res.Mode == "managed" {
			out[res.Address] = res.Values
		}
	}
	return out
}

// TestAccCLIHarness_planApplyDestroy proves the harness itself: the built
// provider is found through dev_overrides without init, and apply, plan
// and destroy behave as with the in-process provider.
func TestAccCLIHarness_planApplyDestroy(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, h.scimProvider()+`
resource "docker_scim_user" "one" {
  user_name = "cli.one@moby.example"
}
`)
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if _, ok := h.scimUsers()["cli.one@moby.example"]; !ok {
		t.Fatal("apply through the CLI harness did not create the user")
	}
	if got := w.stateResources(); len(got) != 1 || got["docker_scim_user.one"] == nil {
		t.Fatalf("state holds %v, want docker_scim_user.one", got)
	}
	r := w.run(nil, "plan", "-detailed-exitcode", "-no-color", "-input=false")
	if r.err != nil {
		t.Fatalf("plan after apply is not empty (%v):\n%s", r.err, r.output())
	}
	w.mustRun("destroy", "-auto-approve", "-no-color", "-input=false")
	if _, ok := h.scimUsers()["cli.one@moby.example"]; ok {
		t.Fatal("destroy through the CLI harness left the user")
	}
}

// TestAccCLI_savedPlanLostUpdate: an edit made outside Terraform between
// plan and apply is caught by If-Match when the saved plan (which does not
// refresh) is applied. The apply fails with a clear diagnostic, the server
// keeps the other edit, and the next plan shows the real difference.
func TestAccCLI_savedPlanLostUpdate(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	const email = "lost.update@moby.example"
	// Someone edits the user in the IdP or the Admin Console.
	w := savedPlanThenOutsideEdit(t, h, email, map[string]any{"op": "replace", "path": "name.givenName", "value": "Outside"})

	r := w.run(nil, "apply", "-no-color", "-input=false", "plan.out")
	if r.err == nil {
		t.Fatalf("applying the saved plan overwrote an edit made outside Terraform:\n%s", r.output())
	}
	if !strings.Contains(r.output(), "changed outside Terraform") {
		t.Fatalf("apply failed without the \"changed outside Terraform\" diagnostic:\n%s", r.output())
	}
	if strings.Contains(r.output(), h.info.SCIMToken) {
		t.Fatal("the diagnostic echoes the SCIM token")
	}
	name, _ := h.scimUsers()[email]["name"].(map[string]any)
	if name["givenName"] != "Outside" {
		t.Fatalf("server holds givenName %v after the failed apply, want the outside edit kept", name["givenName"])
	}

	// The failed apply recorded what the server holds, so the next plan
	// shows the real difference: Outside → Janet.
	r = w.run(nil, "plan", "-detailed-exitcode", "-no-color", "-input=false")
	if code := exitCode(r.err); code != 2 {
		t.Fatalf("plan exit code %d, want 2 (changes):\n%s", code, r.output())
	}
	if !strings.Contains(r.stdout, `"Outside" -> "Janet"`) {
		t.Fatalf("plan does not show given_name \"Outside\" -> \"Janet\":\n%s", r.stdout)
	}
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	name, _ = h.scimUsers()[email]["name"].(map[string]any)
	if name["givenName"] != "Janet" {
		t.Fatalf("server holds givenName %v after a fresh plan and apply, want Janet", name["givenName"])
	}
}

// TestAccCLI_savedPlanIgnoresIdPEditsToUnmanagedAttributes: between plan
// and apply the identity provider changes an attribute the configuration
// does not set (external_id). That is not a lost update: the saved plan
// applies, and the IdP's value stays.
func TestAccCLI_savedPlanIgnoresIdPEditsToUnmanagedAttributes(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	const email = "idp.edit@moby.example"
	w := savedPlanThenOutsideEdit(t, h, email, map[string]any{"op": "replace", "path": "externalId", "value": "okta-42"})

	w.mustRun("apply", "-no-color", "-input=false", "plan.out")
	u := h.scimUsers()[email]
	if name, _ := u["name"].(map[string]any); name["givenName"] != "Janet" || u["externalId"] != "okta-42" {
		t.Fatalf("server holds %v after the apply, want givenName Janet and the IdP's externalId okta-42", u)
	}
	// The next refresh records the IdP's value, and it is not drift.
	if r := w.run(nil, "plan", "-detailed-exitcode", "-no-color", "-input=false"); exitCode(r.err) != 0 {
		t.Fatalf("plan after the apply is not empty:\n%s", r.output())
	}
}

// savedPlanThenOutsideEdit applies a docker_scim_user with given_name
// Jane, saves a plan (plan.out) that renames her Janet, and then has the
// SCIM user changed outside Terraform by op before that plan is applied.
func savedPlanThenOutsideEdit(t *testing.T, h *testHub, email string, op map[string]any) *cliWork {
	t.Helper()
	cfg := func(given string) string {
		return h.scimProvider() + fmt.Sprintf(`
resource "docker_scim_user" "jane" {
  user_name  = %q
  given_name = %q
}
`, email, given)
	}
	w := newCLIWork(t, cfg("Jane"))
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	w.setConfig(cfg("Janet"))
	w.mustRun("plan", "-out=plan.out", "-no-color", "-input=false")
	h.patchUser(h.scimUsers()[email]["id"].(string), op)
	return w
}

// exitCode returns a finished command's exit code (0 for no error, -1 when
// it did not exit normally).
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// interruptApplyAfterCreates runs apply, sends it SIGINT once mockhub has
// received a few creates, fails the test unless the CLI stops within a few
// seconds, and returns what it printed.
func (w *cliWork) interruptApplyAfterCreates(h *testHub, env []string, extraArgs ...string) string {
	t := w.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"apply", "-auto-approve", "-no-color", "-input=false"}, extraArgs...)
	cmd, stdout, stderr := w.command(ctx, env, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	deadline := time.Now().Add(time.Minute)
	for h.requestsTo("POST /v2/scim/2.0/Users") < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("apply sent no creates within a minute:\n%s%s", stdout, stderr)
		}
		select {
		case err := <-done:
			t.Fatalf("apply ended (%v) before it could be interrupted:\n%s%s", err, stdout, stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	interrupted := time.Now()
	select {
	case <-done: //nolint:errcheck // an interrupted apply exits non-zero; what matters is how soon
	case <-time.After(30 * time.Second):
		t.Fatalf("apply still running 30s after SIGINT:\n%s%s", stdout, stderr)
	}
	if took := time.Since(interrupted); took > 5*time.Second {
		t.Errorf("apply took %s to stop after SIGINT, want a few seconds", took)
	}
	return stdout.String() + stderr.String()
}

// TestAccCLI_interruptKeepsStateAccurate: Ctrl-C during an apply of 30
// users stops within seconds, and the state then records exactly the users
// that exist on the server: nothing created but unrecorded, nothing
// recorded but missing.
func TestAccCLI_interruptKeepsStateAccurate(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	w := newCLIWork(t, h.scimProvider()+`
resource "docker_scim_user" "u" {
  count     = 30
  user_name = format("sigint%02d@moby.example", count.index)
}
`)
	setFaults(t, h, map[string]any{"latency_ms": 400})

	out := w.interruptApplyAfterCreates(h, nil, "-parallelism=3")
	setFaults(t, h, map[string]any{})

	server := map[string]string{} // id → userName
	for name, u := range h.scimUsers() {
		server[u["id"].(string)] = name
	}
	state := map[string]string{}
	for addr, v := range w.stateResources() {
		state[fmt.Sprint(v["id"])] = addr
	}
	if len(server) == 0 || len(server) == 30 {
		t.Fatalf("the server holds %d users: the interrupt did not land mid-apply\n%s", len(server), out)
	}
	for id, name := range server {
		if _, ok := state[id]; !ok {
			t.Errorf("user %s (%s) exists on the server but is not in state", name, id)
		}
	}
	for id, addr := range state {
		if _, ok := server[id]; !ok {
			t.Errorf("%s (%s) is in state but not on the server", addr, id)
		}
	}

	// The next apply finishes the job.
	w.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if n := len(h.scimUsers()); n != 30 {
		t.Fatalf("after a full apply the server holds %d users, want 30", n)
	}
}

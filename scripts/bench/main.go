// Command bench measures what plan and apply of N docker_scim_user
// resources cost, next to two floors of N: the same CLI's cost for N
// terraform_data resources whose input is a 4-field object, and for N
// resources of the cheapest plugin we can write (scripts/bench/floorprovider:
// four strings on terraform-plugin-go, no I/O), and writes the tables to
// BENCHMARKS.md. scripts/bench.sh builds what it needs and runs it; see
// BENCHMARKS.md for how to reproduce.
//
// For each N it applies both floors once, then, for each server profile (no
// faults; 50 ms latency plus throttling), starts a fresh mockhub, applies a
// generated configuration of N users and a few group mappings with the
// pinned OpenTofu, and plans it again. Without faults it plans -rounds
// times, each plan right after a plan of each floor (terraform_data, plugin
// floor, users, ...), so that load on the machine hits all three alike; the
// faulty profile plans once. It records wall time, the requests mockhub
// served (from /_mock/stats), and the provider's peak RSS and CPU time,
// which the rsswrap wrapper reports for every provider process the CLI
// starts (the plugin floor runs behind rsswrap too). The floors of an N also
// serve the docker_scim_roster row of that N.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type options struct {
	tofu, provider, wrapperDir, mockhubBin string
	floorProvider, floorWrapperDir         string
	sizes                                  []int
	groups, groupSize                      int
	latencyMS, throttleEvery, retryAfter   int
	out, work, notes                       string
	parallelism                            int
	rosterSizes                            []int
	userRows                               bool
	faultyProfile                          bool
	rosterFloorMax                         int
	rounds                                 int
}

// rosterRow is one docker_scim_roster measurement: apply of N new people
// in one resource, then a refreshing plan, beside the floors of N (none
// when N is above -roster-floor-max).
type rosterRow struct {
	n           int
	apply, plan step
	floors      floors
	planChanges bool
}

// profile is a server behaviour a run is measured under.
type profile struct {
	name   string
	faults map[string]int
}

// step is one CLI command's measurement.
type step struct {
	wall     time.Duration
	requests int // every request mockhub served
	scim     int // SCIM API requests among them
	rssKiB   int // peak over every provider process the command started
	cpuMS    int // CPU time of those processes, summed
	err      string
}

// row is one docker_scim_user measurement: apply, then one refreshing plan
// per round, beside the floors of the same N.
type row struct {
	n           int
	profile     string
	apply       step
	plans       []step // one per round; the last one failed when it has err
	floors      floors
	planChanges bool // some plan after apply was not empty
}

// planErr is the error of the plan round that failed, if one did.
func (r row) planErr() string {
	for _, p := range r.plans {
		if p.err != "" {
			return p.err
		}
	}
	return ""
}

func main() {
	var o options
	var sizes, rosterSizes string
	flag.StringVar(&o.tofu, "tofu", "bin/tofu", "OpenTofu binary")
	flag.StringVar(&o.provider, "provider", "bin/terraform-provider-docker", "provider binary")
	flag.StringVar(&o.wrapperDir, "wrapper-dir", "", "folder holding rsswrap built as terraform-provider-docker")
	flag.StringVar(&o.floorProvider, "floor-provider", "", "the plugin floor's binary (scripts/bench/floorprovider)")
	flag.StringVar(&o.floorWrapperDir, "floor-wrapper-dir", "", "folder holding rsswrap built as terraform-provider-benchfloor")
	flag.StringVar(&o.mockhubBin, "mockhub", "bin/mockhub", "mockhub binary")
	flag.StringVar(&sizes, "sizes", "100,1000,5000", "comma-separated numbers of users")
	flag.IntVar(&o.groups, "groups", 3, "docker_group_mapping resources per configuration")
	flag.IntVar(&o.groupSize, "group-size", 50, "members of each group mapping (at most N)")
	flag.IntVar(&o.latencyMS, "latency-ms", 50, "latency of the second profile")
	flag.IntVar(&o.throttleEvery, "throttle-every", 200, "the second profile answers every this-many requests with 429")
	flag.IntVar(&o.retryAfter, "retry-after", 1, "Retry-After seconds of the throttled answers")
	flag.IntVar(&o.parallelism, "parallelism", 0, "CLI -parallelism (0 keeps the CLI's default, 10)")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "report to write")
	flag.StringVar(&o.work, "work", "", "working folder (default: a new temporary folder)")
	flag.StringVar(&o.notes, "notes", "scripts/bench/NOTES.md", "hand-written analysis appended to the report (\"\" for none)")
	flag.StringVar(&rosterSizes, "roster-sizes", "1000,5000", "comma-separated numbers of people in one docker_scim_roster (\"\" for none)")
	flag.IntVar(&o.rosterFloorMax, "roster-floor-max", 10000, "largest roster N whose floors are measured (they grow faster than linearly)")
	flag.IntVar(&o.rounds, "rounds", 3, "refreshing plans per docker_scim_user row without faults, each right after a plan of each floor (min and median reported)")
	flag.BoolVar(&o.userRows, "users", true, "measure N docker_scim_user resources (-sizes)")
	flag.BoolVar(&o.faultyProfile, "faulty", true, "also measure docker_scim_user under the faulty server profile")
	flag.Parse()
	o.sizes = parseSizes("-sizes", sizes)
	o.rosterSizes = parseSizes("-roster-sizes", rosterSizes)
	if o.rounds < 1 {
		fatalf("-rounds must be at least 1")
	}
	if o.wrapperDir == "" || o.floorProvider == "" || o.floorWrapperDir == "" {
		fatalf("-wrapper-dir, -floor-provider and -floor-wrapper-dir are required")
	}
	for _, p := range []*string{&o.tofu, &o.provider, &o.wrapperDir, &o.mockhubBin, &o.floorProvider, &o.floorWrapperDir} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			fatalf("%v", err)
		}
		*p = abs
	}
	if o.work == "" {
		dir, err := os.MkdirTemp("", "bench-")
		if err != nil {
			fatalf("%v", err)
		}
		o.work = dir
		defer os.RemoveAll(dir)
	}

	profiles := []profile{
		{name: "none"},
		{name: fmt.Sprintf("%d ms latency, 429 every %d", o.latencyMS, o.throttleEvery), faults: map[string]int{
			"latency_ms": o.latencyMS, "throttle_every": o.throttleEvery, "retry_after_seconds": o.retryAfter,
		}},
	}

	env, err := o.cliEnv()
	if err != nil {
		fatalf("%v", err)
	}
	if !o.faultyProfile {
		profiles = profiles[:1]
	}
	started := time.Now()
	loadBefore := loadAverage()
	// One pair of floors per N, shared by the docker_scim_user rows and the
	// roster row of that N.
	floorsOf := map[int]floors{}
	var rows []row
	for _, n := range o.sizes {
		if !o.userRows {
			break
		}
		fs, err := o.applyFloors(env, n)
		if err != nil {
			fatalf("N=%d: %v", n, err)
		}
		floorsOf[n] = fs
		log("N=%d floors: apply %s (4-field terraform_data), %s (plugin floor)", n, secs(fs.data.apply), secs(fs.plugin.apply))
		for _, p := range profiles {
			rounds, interleave := 1, floors{}
			if p.faults == nil {
				rounds, interleave = o.rounds, fs
			}
			r, err := o.run(env, n, p, rounds, interleave)
			if err != nil {
				fatalf("N=%d (%s): %v", n, p.name, err)
			}
			r.floors = fs
			s := summarize(r.plans, n)
			log("N=%d faults=%s: apply %s (%d requests, %d SCIM, %s); plan min %s, median %s over %s (%s SCIM requests, %.2f ms provider CPU per resource, %s); floor plan min / median: terraform_data %s / %s, plugin %s / %s (%.2f ms provider CPU per resource)%s",
				n, p.name, secs(r.apply.wall), r.apply.requests, r.apply.scim, mib(r.apply.rssKiB),
				secs(s.min), secs(s.median), roundsText(s.rounds), s.scimText(), s.cpuPerResourceMS, mib(s.rssKiB),
				secs(fs.data.minPlan()), secs(fs.data.medianPlan()), secs(fs.plugin.minPlan()), secs(fs.plugin.medianPlan()),
				fs.plugin.cpuPerResourceMS(), errNote(r))
			rows = append(rows, r)
		}
	}
	var rosterRows []rosterRow
	for _, n := range o.rosterSizes {
		fs, ok := floorsOf[n]
		if !ok && n <= o.rosterFloorMax {
			// No docker_scim_user rows at this N: the floors' rounds run on
			// their own, interleaved.
			var err error
			if fs, err = o.applyFloors(env, n); err != nil {
				fatalf("N=%d: %v", n, err)
			}
			for range o.rounds {
				if _, _, err := o.planFloors(env, fs); err != nil {
					fatalf("N=%d: %v", n, err)
				}
			}
			floorsOf[n] = fs
		}
		r, err := o.runRoster(env, n, fs)
		if err != nil {
			fatalf("roster N=%d: %v", n, err)
		}
		floorNote := "not measured"
		if fs.data.measured() && fs.plugin.measured() {
			floorNote = fmt.Sprintf("apply %s / %s, plan median %s / %s", secs(fs.data.apply), secs(fs.plugin.apply),
				secs(fs.data.medianPlan()), secs(fs.plugin.medianPlan()))
		}
		log("roster N=%d: apply %s (%d requests, %s), plan %s (%d requests, %d SCIM, %s); floors (terraform_data / plugin) %s%s",
			n, secs(r.apply.wall), r.apply.requests, mib(r.apply.rssKiB), secs(r.plan.wall), r.plan.requests, r.plan.scim,
			mib(r.plan.rssKiB), floorNote, rosterErrNote(r))
		rosterRows = append(rosterRows, r)
	}
	report := o.report(rows, started, time.Since(started), loadBefore, loadAverage())
	report = insertRosterSection(report, o.rosterReport(rosterRows, rows))
	if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
		fatalf("%v", err)
	}
	log("wrote %s", o.out)
	fmt.Print(report)
}

func parseSizes(flagName, list string) []int {
	var out []int
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatalf("bad %s entry %q", flagName, s)
		}
		out = append(out, n)
	}
	return out
}

func errNote(r row) string {
	var s []string
	if r.apply.err != "" {
		s = append(s, "apply error: "+r.apply.err)
	}
	if err := r.planErr(); err != "" {
		s = append(s, "plan error: "+err)
	}
	if r.planChanges {
		s = append(s, "plan after apply was not empty")
	}
	if len(s) == 0 {
		return ""
	}
	return " [" + strings.Join(s, "; ") + "]"
}

// cliConfig is the bench's CLI config: dev_overrides that point
// dockerscim/docker at the wrapper folder and dockerscim/benchfloor (the
// plugin floor) at the floor's wrapper folder, under OpenTofu's and
// Terraform's registry addresses alike. With it, plan and apply run
// without `init`.
func (o *options) cliConfig() string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, reg := range []string{"registry.opentofu.org", "registry.terraform.io"} {
		fmt.Fprintf(&b, "    %q = %q\n", reg+"/dockerscim/docker", o.wrapperDir)
		fmt.Fprintf(&b, "    %q = %q\n", reg+"/dockerscim/benchfloor", o.floorWrapperDir)
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// cliEnv is the environment every CLI command runs with: the bench's CLI
// config, and the wrapper's settings (the plugin floor's commands name
// their own provider binary, see floorEnv).
func (o *options) cliEnv() ([]string, error) {
	rcPath := filepath.Join(o.work, "dev.tfrc")
	if err := os.WriteFile(rcPath, []byte(o.cliConfig()), 0o644); err != nil {
		return nil, err
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "DOCKER_") || k == "BENCH_RSS_DIR" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+rcPath,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"BENCH_PROVIDER_BIN="+o.provider,
	), nil
}

// run measures apply and then rounds refreshing plans of n users and the
// group mappings against a fresh mockhub with profile p. With floors, each
// plan comes right after a plan of each floor: terraform_data, plugin
// floor, users, terraform_data, plugin floor, users... A plan that fails
// ends the rounds.
func (o *options) run(env []string, n int, p profile, rounds int, fs floors) (row, error) {
	r := row{n: n, profile: p.name}
	hub, err := startMockhub(o.mockhubBin, filepath.Join(o.work, fmt.Sprintf("mockhub-%d-%s.log", n, slug(p.name))))
	if err != nil {
		return r, err
	}
	defer hub.stop()
	if p.faults != nil {
		if err := hub.call(http.MethodPut, "/_mock/faults", p.faults, nil); err != nil {
			return r, err
		}
	}

	dir := filepath.Join(o.work, fmt.Sprintf("users-%d-%s", n, slug(p.name)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(o.usersConfig(hub.info, n)), 0o644); err != nil {
		return r, err
	}

	var applyErr error
	r.apply, applyErr = o.measure(env, dir, hub, "apply", "-auto-approve")
	if applyErr != nil {
		r.apply.err = firstLine(applyErr.Error())
	}
	for i := 1; i <= rounds; i++ {
		floorNote := ""
		if fs.data != nil {
			data, plugin, err := o.planFloors(env, fs)
			if err != nil {
				return r, fmt.Errorf("round %d: %w", i, err)
			}
			floorNote = fmt.Sprintf("floor plans %s (terraform_data), %s (plugin), ", secs(data), secs(plugin))
		}
		s, changes, err := o.measureCmd(env, dir, hub, fmt.Sprintf("plan-%d", i), "plan", "-detailed-exitcode")
		if err != nil {
			s.err = firstLine(err.Error())
		}
		r.plans = append(r.plans, s)
		r.planChanges = r.planChanges || changes
		log("N=%d faults=%s round %d/%d: %splan %s (%d SCIM requests, provider CPU %s)",
			n, p.name, i, rounds, floorNote, secs(s.wall), s.scim, secs(time.Duration(s.cpuMS)*time.Millisecond))
		if err != nil {
			break
		}
	}
	return r, nil
}

func (o *options) measure(env []string, dir string, hub *mockhub, args ...string) (step, error) {
	s, _, err := o.measureCmd(env, dir, hub, args[0], args...)
	return s, err
}

func (o *options) measurePlan(env []string, dir string, hub *mockhub) (step, bool, error) {
	return o.measureCmd(env, dir, hub, "plan", "plan", "-detailed-exitcode")
}

// measureCmd runs one CLI command in dir; label names its log and the
// folder where rsswrap reports, so that rounds of one command do not mix.
func (o *options) measureCmd(env []string, dir string, hub *mockhub, label string, args ...string) (step, bool, error) {
	var s step
	rssDir := filepath.Join(dir, "rss-"+label)
	if err := os.MkdirAll(rssDir, 0o755); err != nil {
		return s, false, err
	}
	before, beforeSCIM, err := hub.requests()
	if err != nil {
		return s, false, err
	}
	wall, changes, cmdErr := o.tf(env, dir, label, rssDir, args...)
	s.wall = wall
	after, afterSCIM, err := hub.requests()
	if err != nil {
		return s, false, err
	}
	s.requests, s.scim = after-before, afterSCIM-beforeSCIM
	if cmdErr != nil {
		s.rssKiB, _ = peakRSS(rssDir)
		return s, changes, cmdErr
	}
	s.rssKiB, err = peakRSS(rssDir)
	s.cpuMS = providerCPU(rssDir)
	return s, changes, err
}

// tf runs one CLI command in dir, logging to label.log, and times it. For
// plan with -detailed-exitcode, exit status 2 means changes, not failure.
func (o *options) tf(env []string, dir, label, rssDir string, args ...string) (time.Duration, bool, error) {
	full := append([]string{args[0], "-input=false", "-no-color"}, args[1:]...)
	if o.parallelism > 0 && (args[0] == "apply" || args[0] == "plan") {
		full = append(full, fmt.Sprintf("-parallelism=%d", o.parallelism))
	}
	cmd := exec.Command(o.tofu, full...)
	cmd.Dir = dir
	cmd.Env = env
	if rssDir != "" {
		cmd.Env = append(append([]string(nil), env...), "BENCH_RSS_DIR="+rssDir)
	}
	logPath := filepath.Join(dir, label+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 2 && args[0] == "plan" {
		return wall, true, nil
	}
	if err != nil {
		return wall, false, fmt.Errorf("tofu %s: %w: %s (log: %s)", args[0], err, errorSummary(logPath), logPath)
	}
	return wall, false, nil
}

// errorSummary returns the first error line of a CLI log and how many
// errors it reported.
func errorSummary(path string) string {
	b, _ := os.ReadFile(path)
	var first string
	count := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Error: ") {
			count++
			if first == "" {
				first = strings.TrimSpace(line)
			}
		}
	}
	if count == 0 {
		return "no error lines"
	}
	return fmt.Sprintf("%d errors, first: %s", count, first)
}

// providerCPU sums the CPU milliseconds rsswrap recorded in dir.
func providerCPU(dir string) int {
	entries, _ := os.ReadDir(dir)
	total := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".cpu") {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		total += n
	}
	return total
}

func peakRSS(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	peak := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".rss") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			return 0, fmt.Errorf("%s: %w", e.Name(), err)
		}
		peak = max(peak, n)
	}
	if peak == 0 {
		return 0, fmt.Errorf("no provider process reported its memory in %s: is dev_overrides pointing at the wrapper?", dir)
	}
	return peak, nil
}

// usersConfig is n users plus o.groups group mappings over the first users.
func (o *options) usersConfig(info mockhubInfo, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}

provider "docker" {
  host          = %q
  username      = %q
  password      = %q
  scim_base_url = %q
  scim_token    = %q
}

resource "docker_scim_user" "u" {
  count       = %d
  user_name   = "bench${count.index}@moby.example"
  given_name  = "Bench"
  family_name = "User ${count.index}"
}
`, info.HubURL, info.Username, info.Password, info.SCIMBaseURL, info.SCIMToken, n)
	size := min(o.groupSize, n)
	for g := range o.groups {
		fmt.Fprintf(&b, `
resource "docker_group_mapping" "g%d" {
  org_name  = "moby"
  team_name = "bench-team-%d"
  members   = [for u in slice(docker_scim_user.u, %d, %d) : u.id]
}
`, g, g, (g*size)%max(n-size+1, 1), (g*size)%max(n-size+1, 1)+size)
	}
	return b.String()
}

// --- mockhub ---------------------------------------------------------------

type mockhubInfo struct {
	HubURL      string `json:"hub_url"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	SCIMBaseURL string `json:"scim_base_url"`
	SCIMToken   string `json:"scim_token"`
}

type mockhub struct {
	cmd  *exec.Cmd
	info mockhubInfo
	log  *os.File
}

func startMockhub(bin, logPath string) (*mockhub, error) {
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-scim-token", "bench-"+hex.EncodeToString(tok))
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	h := &mockhub{cmd: cmd, log: logf}
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err != nil {
		h.stop()
		return nil, fmt.Errorf("reading mockhub's startup line: %w", err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if err := json.Unmarshal(line, &h.info); err != nil || h.info.SCIMToken == "" {
		h.stop()
		return nil, fmt.Errorf("mockhub's startup line %q: %w", line, err)
	}
	return h, nil
}

func (h *mockhub) stop() {
	_ = h.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = h.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = h.cmd.Process.Kill()
		<-done
	}
	h.log.Close()
}

func (h *mockhub) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, h.info.HubURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// requests returns how many requests mockhub has served, and how many of
// them went to the SCIM API. /_mock/ calls are not counted by mockhub.
func (h *mockhub) requests() (int, int, error) {
	var st struct {
		Total   int            `json:"requests_total"`
		ByRoute map[string]int `json:"by_route"`
	}
	if err := h.call(http.MethodGet, "/_mock/stats", nil, &st); err != nil {
		return 0, 0, err
	}
	scim := 0
	for route, n := range st.ByRoute {
		if strings.Contains(route, "/v2/scim/2.0/") {
			scim += n
		}
	}
	return st.Total, scim, nil
}

// --- report ----------------------------------------------------------------

func (o *options) report(rows []row, started time.Time, took time.Duration, loadBefore, loadAfter string) string {
	var b strings.Builder
	b.WriteString(`# Benchmarks

What plan and apply of many ` + "`docker_scim_user`" + ` resources, and of one ` + "`docker_scim_roster`" + ` of many people, cost, measured by
` + "`make bench`" + ` (` + "`scripts/bench.sh`" + `, driver in ` + "`scripts/bench/`" + `). Numbers come from one
run on the machine below; rerun to refresh them. This file is written by the
benchmark: edit the driver, not the table.

`)
	fmt.Fprintf(&b, "## Run\n\n")
	fmt.Fprintf(&b, "- Date: %s (took %s)\n", started.UTC().Format("2006-01-02 15:04 MST"), took.Round(time.Second))
	fmt.Fprintf(&b, "- Machine: %s, %d CPUs (nproc), %s RAM, %s/%s\n", cpuModel(), runtime.NumCPU(), memTotal(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "- Load average (1/5/15 min) before: %s; after: %s. The machine is shared, so wall times carry noise; request counts do not.\n", loadBefore, loadAfter)
	fmt.Fprintf(&b, "- CLI: %s, default parallelism%s\n", cliVersion(o.tofu), parallelismNote(o.parallelism))
	fmt.Fprintf(&b, "- Provider: built from this checkout with %s; mockhub: `bin/mockhub`, a fresh one per row\n", runtime.Version())
	fmt.Fprintf(&b, "- Configuration: N `docker_scim_user` (user_name, given_name, family_name) plus %d `docker_group_mapping` of %d members each\n", o.groups, o.groupSize)
	fmt.Fprintf(&b, "- Floors, applied and planned with the same CLI in the same run, each measured once per N for both the `docker_scim_user` rows and the `docker_scim_roster` row of that N:\n")
	fmt.Fprintf(&b, "  - terraform_data: N `terraform_data` whose `input` is a 4-field object (email, given_name, family_name, role): the CLI's own cost per instance, with no plugin\n")
	fmt.Fprintf(&b, "  - plugin: N `benchfloor_person` (email, given_name, family_name, role, and a computed id), the cheapest plugin resource we can write (`scripts/bench/floorprovider`: terraform-plugin-go, no I/O, run behind the same wrapper): what every plugin resource costs, the CLI's side of the protocol included\n")
	fmt.Fprintf(&b, "- Rounds: %d (`BENCH_ROUNDS`), the refreshing plans of each `docker_scim_user` row without faults, interleaved with plans of the floors (terraform_data, plugin, users, terraform_data, plugin, users, ...) so that load on the machine hits all three alike; apply, the rows with server faults and the roster rows are one round\n\n", o.rounds)

	b.WriteString("## Results\n\n")
	b.WriteString("Apply creates everything from empty state, once; the plans run right after it (each a full refresh). ")
	b.WriteString("Plan and floor plans are the minimum and the median over the rounds (with an even number of rounds, the median is the mean of the middle two); ")
	b.WriteString("plan / floor is the ratio of the medians, with the ratio of the minimums in brackets, against each floor. ")
	b.WriteString("Requests are what mockhub served during the command (all APIs; SCIM in brackets); plan SCIM requests are those of one plan, the same in every round unless the cell says otherwise. ")
	b.WriteString("Provider CPU per resource is the provider process's user plus system time for one plan divided by N (the median over the rounds), for `docker_scim_user` and for the plugin floor; the rest of the plan's wall time is the CLI's. ")
	b.WriteString("RSS is the peak resident memory of the provider process, the largest over the processes the command (for plan, every round) started.\n\n")
	b.WriteString("| N | server faults | apply | apply requests | floor apply, terraform_data / plugin | rounds | plan min / median | terraform_data floor plan min / median | plugin floor plan min / median | plan / terraform_data floor, median (min) | plan / plugin floor, median (min) | plan SCIM requests | provider CPU per resource per plan, users / plugin floor | peak RSS apply / plan | errors |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		errs := "none"
		if note := errNote(r); note != "" {
			errs = strings.Trim(note, " []")
		}
		s := summarize(r.plans, r.n)
		data, plugin := r.floors.data, r.floors.plugin
		fmt.Fprintf(&b, "| %d | %s | %s | %d (%d) | %s / %s | %d | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s |\n",
			r.n, r.profile, secs(r.apply.wall), r.apply.requests, r.apply.scim, secs(data.apply), secs(plugin.apply), s.rounds,
			minMedian(s.rounds > 0, s.min, s.median), minMedian(data.measured(), data.minPlan(), data.medianPlan()),
			minMedian(plugin.measured(), plugin.minPlan(), plugin.medianPlan()),
			ratios(s, data), ratios(s, plugin), s.scimText(), cpuText(s), floorCPUText(plugin),
			mib(r.apply.rssKiB), mib(s.rssKiB), errs)
	}

	b.WriteString("\n## Goals\n\n")
	b.WriteString("Issue 14's goals for `docker_scim_user`, against the terraform_data floor of the table above, and issue 21's, against the plugin floor " +
		"(the roster's goals are in its section). A ratio goal counts only with at least 3 rounds.\n\n")
	o.userGoals(&b, rows)

	b.WriteString(`## How to reproduce

` + "```" + `
make bench                                   # builds the provider, mockhub and OpenTofu, then runs scripts/bench.sh
BENCH_SIZES=100,1000 make bench              # fewer docker_scim_user sizes
BENCH_ROUNDS=5 make bench                    # 5 interleaved plan rounds per row (default 3)
BENCH_ROSTER_SIZES=1000,5000,50000 make bench  # roster sizes (default 1000,5000; empty for none)
BENCH_SIZES=100 BENCH_ROUNDS=2 BENCH_ROSTER_SIZES= make bench  # a quick check
BENCH_ARGS="-latency-ms 100 -throttle-every 50" make bench
` + "```" + `

` + "`scripts/bench.sh`" + ` builds ` + "`scripts/bench/rsswrap`" + ` into a folder as ` + "`terraform-provider-docker`" + `,
and again into another folder as ` + "`terraform-provider-benchfloor`" + ` beside the plugin floor
(` + "`scripts/bench/floorprovider`" + `); the driver's own CLI config points ` + "`dev_overrides`" + ` for
` + "`dockerscim/docker`" + ` and ` + "`dockerscim/benchfloor`" + ` (OpenTofu's and Terraform's registry
addresses) at those folders. The wrapper runs the real provider as its child
with the same streams, so go-plugin's handshake is untouched, and records the
child's ` + "`ru_maxrss`" + ` when it exits. Every row starts a
fresh ` + "`bin/mockhub -addr 127.0.0.1:0`" + `; the faulty profile is set with ` + "`PUT /_mock/faults`" + `
before the apply and stays on for the plan. Requests are the difference in
` + "`/_mock/stats`" + ` around each command. For each N the driver applies both
floors, then applies the users and runs ` + "`BENCH_ROUNDS`" + ` rounds of a terraform_data
floor plan, a plugin floor plan and a users plan, so that a burst of load from
elsewhere on the machine lands on every side of the ratios; the median discards
a round that such a burst slowed down, and the minimum is the least disturbed round.
The provider's CPU time comes from the same wrapper (` + "`getrusage`" + `'s user
plus system time of the child). CLI logs and mockhub logs stay in the work
folder when ` + "`BENCH_WORK`" + ` is set.

The request-count regression guard that runs with the acceptance tests is
` + "`TestAccScale_refreshRequestBudget`" + ` in ` + "`internal/provider/scale_test.go`" + `.
`)
	if o.notes != "" {
		if notes, err := os.ReadFile(o.notes); err == nil {
			b.WriteString("\n")
			b.Write(notes)
		}
	}
	return b.String()
}

func minMedian(ok bool, lo, med time.Duration) string {
	if !ok {
		return "n/a"
	}
	return secs(lo) + " / " + secs(med)
}

// ratios is plan / floor of the medians, and of the minimums in brackets.
func ratios(s planSummary, f *floorRun) string {
	med := ratio(s.median, f.medianPlan())
	if math.IsNaN(med) {
		return "n/a"
	}
	return fmt.Sprintf("%s (%s)", ratioText(med), ratioText(ratio(s.min, f.minPlan())))
}

func cpuText(s planSummary) string {
	if s.rounds == 0 || s.cpuMS == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f ms", s.cpuPerResourceMS)
}

// floorCPUText is the plugin floor's provider CPU per resource per plan.
func floorCPUText(f *floorRun) string {
	if c := f.cpuPerResourceMS(); c > 0 {
		return fmt.Sprintf("%.2f ms", c)
	}
	return "n/a"
}

// Issue 14's goals for docker_scim_user, by N, and issue 21's against the
// plugin floor.
var userGoalSizes = []struct {
	n           int
	ratio       float64 // plan median / terraform_data floor median, at most (issue 14)
	pluginRatio float64 // plan median / plugin floor median, at most (issue 21)
	scim        int     // SCIM requests of one plan, at most
	checkRSS    bool
}{
	{n: 1000, ratio: 1.3, pluginRatio: 1.1, scim: 12},
	{n: 5000, ratio: 1.1, pluginRatio: 1.1, scim: 30, checkRSS: true},
}

const (
	goalRounds         = 3   // plan rounds the ratio goals need
	goalCPUPerResMS    = 1.5 // provider CPU per resource per plan, at most
	goalPeakRSSBytes   = 100e6
	goalPeakRSSWording = "100 MB"
)

// userGoals writes issue 14's and issue 21's goals for the
// docker_scim_user rows.
func (o *options) userGoals(b *strings.Builder, rows []row) {
	var sizes []string
	for _, n := range o.sizes {
		sizes = append(sizes, strconv.Itoa(n))
	}
	for _, g := range userGoalSizes {
		var atN []row
		for _, r := range rows {
			if r.n == g.n {
				atN = append(atN, r)
			}
		}
		fmt.Fprintf(b, "At N = %d (%d `docker_scim_user` plus the %d group mappings):\n\n", g.n, g.n, o.groups)
		if len(atN) == 0 || atN[0].profile != "none" {
			if o.userRows {
				fmt.Fprintf(b, "- not measured: this run's docker_scim_user sizes were %s\n\n", orNone(strings.Join(sizes, ", ")))
			} else {
				b.WriteString("- not measured: this run measured no docker_scim_user rows (-users=false)\n\n")
			}
			continue
		}
		r := atN[0]
		s := summarize(r.plans, r.n)
		roundsNote := "over " + roundsText(s.rounds)
		if s.rounds < goalRounds {
			roundsNote = fmt.Sprintf("over only %s, %d needed", roundsText(s.rounds), goalRounds)
		}
		ok := r.planErr() == ""
		for _, fg := range []struct {
			name  string
			f     *floorRun
			ratio float64
		}{{"terraform_data floor", r.floors.data, g.ratio}, {"plugin floor", r.floors.plugin, g.pluginRatio}} {
			med, lo := ratio(s.median, fg.f.medianPlan()), ratio(s.min, fg.f.minPlan())
			goal(b, fmt.Sprintf("no faults: plan median at most %.1f× the %s median, over at least %d rounds: %s vs %s = %s %s (minimums: %s vs %s = %s)",
				fg.ratio, fg.name, goalRounds, secs(s.median), secs(fg.f.medianPlan()), ratioText(med), roundsNote,
				secs(s.min), secs(fg.f.minPlan()), ratioText(lo)),
				ok && s.rounds >= goalRounds && med <= fg.ratio)
		}
		goal(b, fmt.Sprintf("no faults: plan sends at most %d SCIM requests: %s", g.scim, s.scimText()),
			ok && s.rounds > 0 && s.scimMax <= g.scim)
		goal(b, fmt.Sprintf("no faults: provider CPU per resource per plan at most %.1f ms: %s (median over %s; %s per plan)",
			goalCPUPerResMS, cpuText(s), roundsText(s.rounds), secs(time.Duration(s.cpuMS)*time.Millisecond)),
			ok && s.cpuMS > 0 && s.cpuPerResourceMS <= goalCPUPerResMS)
		if g.checkRSS {
			peak := 0
			for _, r := range atN {
				peak = max(peak, r.apply.rssKiB, summarize(r.plans, r.n).rssKiB)
			}
			goal(b, fmt.Sprintf("provider peak RSS under %s (apply and plans, every server profile): %s", goalPeakRSSWording, mib(peak)),
				peak > 0 && float64(peak)*1024 < goalPeakRSSBytes)
		}
		var applies, plans []string
		applyOK, plansOK := true, true
		for _, r := range atN {
			faults := "no faults"
			if r.profile != "none" {
				faults = r.profile
			}
			if r.apply.err != "" {
				applyOK = false
				applies = append(applies, fmt.Sprintf("%s: %s", faults, r.apply.err))
			} else {
				applies = append(applies, fmt.Sprintf("%s: %s, %d requests", faults, secs(r.apply.wall), r.apply.requests))
			}
			switch {
			case r.planErr() != "":
				plansOK = false
				plans = append(plans, fmt.Sprintf("%s: %s", faults, r.planErr()))
			case r.planChanges:
				plansOK = false
				plans = append(plans, faults+": changes planned")
			default:
				plans = append(plans, fmt.Sprintf("%s: empty in all %d rounds", faults, len(r.plans)))
				if len(r.plans) == 1 {
					plans[len(plans)-1] = faults + ": empty, 1 round"
				}
			}
		}
		goal(b, "apply at default parallelism completes with no errors ("+strings.Join(applies, "; ")+")", applyOK)
		goal(b, "plan after apply is empty, no spurious diff ("+strings.Join(plans, "; ")+")", plansOK)
		b.WriteString("\n")
	}
}

func roundsText(n int) string {
	if n == 1 {
		return "1 round"
	}
	return fmt.Sprintf("%d rounds", n)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func goal(b *strings.Builder, text string, ok bool) {
	mark := "met"
	if !ok {
		mark = "**missed**"
	}
	fmt.Fprintf(b, "- %s: %s\n", mark, text)
}

func parallelismNote(p int) string {
	if p == 0 {
		return " (10)"
	}
	return fmt.Sprintf(" overridden to %d", p)
}

func cliVersion(tofu string) string {
	cmd := exec.Command(tofu, "version")
	// A CLI config file that does not exist makes the CLI print a warning
	// before its version; an empty one does not.
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return filepath.Base(tofu)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "OpenTofu") || strings.HasPrefix(line, "Terraform") {
			return strings.TrimSpace(line)
		}
	}
	return filepath.Base(tofu)
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.Atoi(f[1])
				return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return "unknown"
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// secs is d in seconds, with two decimals below 10 s so that the ratios of
// short plans can be checked from the table.
func secs(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func mib(kib int) string {
	if kib == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", float64(kib)*1024/1e6)
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteRune('-')
		}
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func log(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func fatalf(format string, args ...any) {
	log(format, args...)
	os.Exit(1)
}

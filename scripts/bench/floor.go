package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// floorRun is one floor of one N, applied once and then planned once per
// round: n terraform_data whose input is a 4-field object (the CLI's own
// cost, no plugin), or n benchfloor_person of scripts/bench/floorprovider
// (the plugin floor: the cost every plugin resource pays). One floorRun per
// N and kind serves both the docker_scim_user rows and the roster row of
// that N.
type floorRun struct {
	n      int
	plugin bool
	dir    string
	apply  time.Duration
	plans  []time.Duration
	cpuMS  []int // provider CPU of each plan (plugin floor only)
	rssKiB int   // provider peak RSS over the plans (plugin floor only)
}

// floors are the two floors of one N. Either is nil when not measured.
type floors struct {
	data, plugin *floorRun
}

// applyFloors writes and applies both floors of n. Their plans are measured
// by planFloors, one per round.
func (o *options) applyFloors(env []string, n int) (floors, error) {
	data, err := o.applyFloor(env, n, false)
	if err != nil {
		return floors{}, fmt.Errorf("terraform_data floor: %w", err)
	}
	plugin, err := o.applyFloor(env, n, true)
	if err != nil {
		return floors{}, fmt.Errorf("plugin floor: %w", err)
	}
	return floors{data: data, plugin: plugin}, nil
}

// floorConfig is n instances holding what a user or a roster entry holds:
// terraform_data with a 4-field object, or the plugin floor's resource
// with the same four strings.
func floorConfig(n int, plugin bool) string {
	if plugin {
		return fmt.Sprintf(`terraform {
  required_providers {
    benchfloor = { source = "dockerscim/benchfloor" }
  }
}

resource "benchfloor_person" "u" {
  count       = %d
  email       = "bench${count.index}@moby.example"
  given_name  = "Bench"
  family_name = "User ${count.index}"
  role        = "member"
}
`, n)
	}
	return fmt.Sprintf(`resource "terraform_data" "u" {
  count = %d
  input = {
    email       = "bench${count.index}@moby.example"
    given_name  = "Bench"
    family_name = "User ${count.index}"
    role        = "member"
  }
}
`, n)
}

func (o *options) applyFloor(env []string, n int, plugin bool) (*floorRun, error) {
	kind := "object"
	if plugin {
		kind = "plugin"
	}
	f := &floorRun{n: n, plugin: plugin, dir: filepath.Join(o.work, fmt.Sprintf("floor-%s-%d", kind, n))}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(f.dir, "main.tf"), []byte(floorConfig(n, plugin)), 0o644); err != nil {
		return nil, err
	}
	var err error
	if f.apply, _, err = o.tf(o.floorEnv(env, f), f.dir, "apply", "", "apply", "-auto-approve"); err != nil {
		return nil, err
	}
	return f, nil
}

// floorEnv is env for the CLI commands of f: rsswrap runs the plugin floor
// when f is one.
func (o *options) floorEnv(env []string, f *floorRun) []string {
	if !f.plugin {
		return env
	}
	return append(append([]string(nil), env...), "BENCH_PROVIDER_BIN="+o.floorProvider)
}

// planFloors runs one round of the floors' refreshing plans: terraform_data,
// then the plugin floor.
func (o *options) planFloors(env []string, fs floors) (data, plugin time.Duration, err error) {
	if data, err = o.floorPlan(env, fs.data); err != nil {
		return 0, 0, fmt.Errorf("terraform_data floor: %w", err)
	}
	if plugin, err = o.floorPlan(env, fs.plugin); err != nil {
		return 0, 0, fmt.Errorf("plugin floor: %w", err)
	}
	return data, plugin, nil
}

// floorPlan runs one refreshing plan of f and records its time, and for the
// plugin floor the provider's CPU time and peak RSS.
func (o *options) floorPlan(env []string, f *floorRun) (time.Duration, error) {
	label := fmt.Sprintf("plan-%d", len(f.plans)+1)
	rssDir := ""
	if f.plugin {
		rssDir = filepath.Join(f.dir, "rss-"+label)
		if err := os.MkdirAll(rssDir, 0o755); err != nil {
			return 0, err
		}
	}
	wall, changes, err := o.tf(o.floorEnv(env, f), f.dir, label, rssDir, "plan", "-detailed-exitcode")
	if err != nil {
		return 0, err
	}
	if changes {
		return 0, errors.New("plan after apply was not empty")
	}
	if f.plugin {
		rss, err := peakRSS(rssDir)
		if err != nil {
			return 0, err
		}
		f.rssKiB = max(f.rssKiB, rss)
		f.cpuMS = append(f.cpuMS, providerCPU(rssDir))
	}
	f.plans = append(f.plans, wall)
	return wall, nil
}

// measured reports whether the floor has at least one plan.
func (f *floorRun) measured() bool { return f != nil && len(f.plans) > 0 }

// minPlan is the fastest plan of the floor, 0 when none was measured.
func (f *floorRun) minPlan() time.Duration {
	if !f.measured() {
		return 0
	}
	return slices.Min(f.plans)
}

// medianPlan is the median plan of the floor, 0 when none was measured.
func (f *floorRun) medianPlan() time.Duration {
	if !f.measured() {
		return 0
	}
	return median(f.plans)
}

// cpuPerResourceMS is the plugin floor's provider CPU for one plan divided
// by N (the median over the rounds), 0 when not measured.
func (f *floorRun) cpuPerResourceMS() float64 {
	if !f.measured() || len(f.cpuMS) == 0 {
		return 0
	}
	return float64(median(f.cpuMS)) / float64(f.n)
}

// planSummary sums up the completed plan rounds of one row.
type planSummary struct {
	rounds           int // plans that completed
	min, median      time.Duration
	scimMin, scimMax int     // SCIM requests of one plan, over the rounds
	otherMax         int     // requests to other APIs in one plan, at most
	cpuPerResourceMS float64 // provider CPU of one plan divided by N, median over the rounds
	cpuMS            int     // provider CPU of one plan, median over the rounds
	rssKiB           int     // peak over every plan, failed ones included
}

func summarize(plans []step, n int) planSummary {
	var s planSummary
	var walls []time.Duration
	var cpu []int
	for _, p := range plans {
		s.rssKiB = max(s.rssKiB, p.rssKiB)
		if p.err != "" {
			continue
		}
		if s.rounds == 0 {
			s.scimMin, s.scimMax = p.scim, p.scim
		}
		s.rounds++
		walls = append(walls, p.wall)
		cpu = append(cpu, p.cpuMS)
		s.scimMin, s.scimMax = min(s.scimMin, p.scim), max(s.scimMax, p.scim)
		s.otherMax = max(s.otherMax, p.requests-p.scim)
	}
	if s.rounds == 0 {
		return s
	}
	s.min, s.median = slices.Min(walls), median(walls)
	s.cpuMS = median(cpu)
	s.cpuPerResourceMS = float64(s.cpuMS) / float64(n)
	return s
}

// scimText is the SCIM requests of one plan: the count when every round sent
// the same, else the largest and the range.
func (s planSummary) scimText() string {
	if s.rounds == 0 {
		return "n/a"
	}
	t := fmt.Sprint(s.scimMax)
	if s.scimMin != s.scimMax {
		t = fmt.Sprintf("%d (max; %d–%d over the rounds)", s.scimMax, s.scimMin, s.scimMax)
	}
	if s.otherMax > 0 {
		t += fmt.Sprintf(" (+%d other)", s.otherMax)
	}
	return t
}

type number interface {
	~int | ~int64 | ~float64
}

// median of xs; the mean of the middle two when len(xs) is even.
func median[T number](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// ratio is a/b, NaN when b was not measured.
func ratio(a, b time.Duration) float64 {
	if b <= 0 || a <= 0 {
		return math.NaN()
	}
	return a.Seconds() / b.Seconds()
}

func ratioText(r float64) string {
	if math.IsNaN(r) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", r)
}

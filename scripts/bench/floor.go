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

// floorRun is the floor of one N: n terraform_data whose input is a 4-field
// object, applied once and then planned once per round. One floorRun per N
// serves both the docker_scim_user rows and the roster row of that N.
type floorRun struct {
	n     int
	dir   string
	apply time.Duration
	plans []time.Duration
}

// floorObject writes and applies the floor of n: the CLI's own cost for n
// instances holding what a user or a roster entry holds. Its plans are
// measured by floorPlan, one per round.
func (o *options) floorObject(env []string, n int) (*floorRun, error) {
	f := &floorRun{n: n, dir: filepath.Join(o.work, fmt.Sprintf("floor-object-%d", n))}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`resource "terraform_data" "u" {
  count = %d
  input = {
    email       = "bench${count.index}@moby.example"
    given_name  = "Bench"
    family_name = "User ${count.index}"
    role        = "member"
  }
}
`, n)
	if err := os.WriteFile(filepath.Join(f.dir, "main.tf"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	var err error
	if f.apply, _, err = o.tf(env, f.dir, "apply", "", "apply", "-auto-approve"); err != nil {
		return nil, err
	}
	return f, nil
}

// floorPlan runs one refreshing plan of the floor and records its time.
func (o *options) floorPlan(env []string, f *floorRun) (time.Duration, error) {
	label := fmt.Sprintf("plan-%d", len(f.plans)+1)
	wall, changes, err := o.tf(env, f.dir, label, "", "plan", "-detailed-exitcode")
	if err != nil {
		return 0, err
	}
	if changes {
		return 0, errors.New("plan after apply was not empty")
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

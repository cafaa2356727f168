package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// rosterConfig is one docker_scim_roster of n people, generated from a
// local map as a configuration reading an IdP export would be.
func rosterConfig(info mockhubInfo, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}

provider "docker" {
  scim_base_url = %q
  scim_token    = %q
}

locals {
  # range() yields at most 1024 numbers: count in thousands.
  n      = %d
  index  = flatten([for k in range(ceil(local.n / 1000)) : [for j in range(1000) : k * 1000 + j if k * 1000 + j < local.n]])
  people = { for i in local.index : "bench${i}@moby.example" => { given = "Bench", family = "User ${i}" } }
}

resource "docker_scim_roster" "all" {
  filter = "userName ew \"@moby.example\""

  dynamic "user" {
    for_each = local.people
    labels   = [user.key]
    content {
      given_name  = user.value.given
      family_name = user.value.family
    }
  }
}
`, info.SCIMBaseURL, info.SCIMToken, n)
}

// runRoster measures apply and a refreshing plan of one roster of n people
// against a fresh mockhub with no faults, beside fs, the floors of n
// measured already (none when not measured).
func (o *options) runRoster(env []string, n int, fs floors) (rosterRow, error) {
	r := rosterRow{n: n, floors: fs}
	hub, err := startMockhub(o.mockhubBin, filepath.Join(o.work, fmt.Sprintf("mockhub-roster-%d.log", n)))
	if err != nil {
		return r, err
	}
	defer hub.stop()
	dir := filepath.Join(o.work, fmt.Sprintf("roster-%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(rosterConfig(hub.info, n)), 0o644); err != nil {
		return r, err
	}
	if r.apply, err = o.measure(env, dir, hub, "apply", "-auto-approve"); err != nil {
		r.apply.err = firstLine(err.Error())
	}
	r.plan, r.planChanges, err = o.measurePlan(env, dir, hub)
	if err != nil {
		r.plan.err = firstLine(err.Error())
	}
	return r, nil
}

func rosterErrNote(r rosterRow) string {
	return errNote(row{apply: r.apply, plans: []step{r.plan}, planChanges: r.planChanges})
}

// rosterReport is the docker_scim_roster section, with each roster apply
// beside the docker_scim_user apply of the same N when this run measured it.
func (o *options) rosterReport(rows []rosterRow, userRows []row) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## docker_scim_roster\n\n")
	b.WriteString("One `docker_scim_roster` of N people (given_name, family_name; a `dynamic \"user\"` block over a local map, " +
		"filter `userName ew \"@moby.example\"`), served on terraform-plugin-go. Apply creates everyone from empty state; " +
		"plan runs right after it (a full refresh), one round. The floors are those of the `docker_scim_user` rows of that N " +
		"(N `terraform_data` whose `input` is a 4-field object, and N resources of the plugin floor), measured once for both: " +
		"each applied once, and its plan is the median of its rounds (those interleaved with the `docker_scim_user` plans when the table above " +
		"has that N, else as many rounds of the two floors on their own). " +
		"`docker_scim_user` apply is the N-resource apply of the table above, when this run measured that N. " +
		"Provider CPU is the provider process's user plus system time: the rest of the wall time is the CLI's.\n\n")
	b.WriteString("| N | roster apply | apply requests | docker_scim_user apply | roster plan | plan requests | floor apply, terraform_data / plugin | terraform_data floor plan, median | plugin floor plan, median | plan / terraform_data floor median | plan / plugin floor median | peak RSS apply / plan | provider CPU apply / plan | errors |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		userApply := "not measured"
		for _, u := range userRows {
			if u.n == r.n && u.profile == "none" {
				userApply = fmt.Sprintf("%s (%d requests)", secs(u.apply.wall), u.apply.requests)
			}
		}
		errs := "none"
		if note := rosterErrNote(r); note != "" {
			errs = strings.Trim(note, " []")
		}
		floorApply := "not measured"
		if r.floors.data.measured() && r.floors.plugin.measured() {
			floorApply = secs(r.floors.data.apply) + " / " + secs(r.floors.plugin.apply)
		}
		dataPlan, dataRatio := rosterFloorCells(r, r.floors.data)
		pluginPlan, pluginRatio := rosterFloorCells(r, r.floors.plugin)
		fmt.Fprintf(&b, "| %d | %s | %d (%d) | %s | %s | %d (%d) | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s |\n",
			r.n, secs(r.apply.wall), r.apply.requests, r.apply.scim, userApply, secs(r.plan.wall), r.plan.requests, r.plan.scim,
			floorApply, dataPlan, pluginPlan, dataRatio, pluginRatio, mib(r.apply.rssKiB), mib(r.plan.rssKiB),
			secs(time.Duration(r.apply.cpuMS)*time.Millisecond), secs(time.Duration(r.plan.cpuMS)*time.Millisecond), errs)
	}
	b.WriteString("\nGoals:\n\n")
	for _, r := range rows {
		floorPlan, pluginPlan := r.floors.data.medianPlan(), r.floors.plugin.medianPlan()
		rt := ratio(r.plan.wall, floorPlan)
		vs := fmt.Sprintf("%s vs %s (terraform_data floor median) = %s; against the plugin floor: %s vs %s = %s",
			secs(r.plan.wall), secs(floorPlan), ratioText(rt), secs(r.plan.wall), secs(pluginPlan), ratioText(ratio(r.plan.wall, pluginPlan)))
		switch r.n {
		case 5000:
			goal(&b, "N = 5000: refreshing plan at most 0.35× the terraform_data floor: "+vs, rt <= 0.35 && r.plan.err == "")
			goal(&b, fmt.Sprintf("N = 5000: refreshing plan sends at most 30 SCIM requests: %d", r.plan.scim), r.plan.scim <= 30 && r.plan.err == "")
		case 1000:
			goal(&b, "N = 1000: refreshing plan at most 0.9× the terraform_data floor: "+vs, rt <= 0.9 && r.plan.err == "")
		}
		goal(&b, fmt.Sprintf("N = %d: apply and plan complete, plan after apply empty", r.n), r.apply.err == "" && r.plan.err == "" && !r.planChanges)
		peak := max(r.apply.rssKiB, r.plan.rssKiB)
		goal(&b, fmt.Sprintf("N = %d: provider peak RSS under 500 MB: %s", r.n, mib(peak)), peak > 0 && peak < 500*1024)
	}
	b.WriteString("\n")
	return b.String()
}

// rosterFloorCells are the cells of one floor in r's row: its plan median
// (and rounds), and the roster plan's ratio to it.
func rosterFloorCells(r rosterRow, f *floorRun) (plan, ratioCol string) {
	if !f.measured() {
		return "not measured", "n/a"
	}
	return fmt.Sprintf("%s (%s)", secs(f.medianPlan()), roundsText(len(f.plans))), ratioText(ratio(r.plan.wall, f.medianPlan()))
}

// insertRosterSection puts the roster section before "## How to reproduce".
func insertRosterSection(report, section string) string {
	if section == "" {
		return report
	}
	const anchor = "## How to reproduce"
	if i := strings.Index(report, anchor); i >= 0 {
		return report[:i] + section + report[i:]
	}
	return report + "\n" + section
}

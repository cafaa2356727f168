// Command showhub prints what a Docker Hub organization holds, read through
// the management API: its members with their roles and teams, and its teams
// with their members. `make demo` runs it against mockhub after the apply.
//
// Usage:
//
//	showhub -org ORG
//
// It signs in with DOCKER_HUB_HOST, DOCKER_USERNAME and DOCKER_PASSWORD, the
// same environment variables the provider reads, so that the password never
// shows in a process listing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/hub"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "showhub:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("showhub", flag.ContinueOnError)
	org := fs.String("org", "", "organization to show")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *org == "" {
		return errors.New("-org is required")
	}
	client, err := hub.New(hub.Config{
		Host:     os.Getenv("DOCKER_HUB_HOST"),
		Username: os.Getenv("DOCKER_USERNAME"),
		Password: os.Getenv("DOCKER_PASSWORD"),
		HTTP:     httpx.Options{UserAgent: "showhub", Timeout: 10 * time.Second},
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	members, err := client.ListOrgMembers(ctx, *org)
	if err != nil {
		return fmt.Errorf("listing members of %s: %w", *org, err)
	}
	slices.SortFunc(members, func(a, b hub.OrgMember) int { return strings.Compare(a.Username, b.Username) })
	fmt.Fprintf(out, "Members of organization %s (%d)\n\n", *org, len(members))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  USERNAME\tEMAIL\tROLE\tTEAMS")
	for _, m := range members {
		teams := slices.Clone(m.Groups)
		slices.Sort(teams)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.Username, m.Email, m.Role, orDash(strings.Join(teams, ", ")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	teams, err := client.ListTeams(ctx, *org)
	if err != nil {
		return fmt.Errorf("listing teams of %s: %w", *org, err)
	}
	slices.SortFunc(teams, func(a, b hub.Team) int { return strings.Compare(a.Name, b.Name) })
	fmt.Fprintf(out, "\nTeams of organization %s (%d)\n\n", *org, len(teams))
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  TEAM\tMEMBERS")
	for _, t := range teams {
		tm, err := client.ListTeamMembers(ctx, *org, t.Name)
		if err != nil {
			return fmt.Errorf("listing members of team %s/%s: %w", *org, t.Name, err)
		}
		names := make([]string, 0, len(tm))
		for _, m := range tm {
			names = append(names, m.Username)
		}
		slices.Sort(names)
		fmt.Fprintf(tw, "  %s\t%s\n", t.Name, orDash(strings.Join(names, ", ")))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

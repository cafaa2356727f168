package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// queryRow is discovery of N users already provisioned (as an IdP would
// have): `terraform query` of the docker_scim_user list resource, the same
// with -generate-config-out, and a plan reading the docker_scim_users data
// source, each with the newest Terraform.
type queryRow struct {
	n                      int
	query, generate, data  step
	listed                 int // result lines terraform query printed
	generatedResources     int
	generatedConfigMissing bool
}

// runQuery provisions n users on a fresh mockhub through SCIM, then
// measures the three discovery commands.
func (o *options) runQuery(env []string, n int) (queryRow, error) {
	r := queryRow{n: n}
	hub, err := startMockhub(o.mockhubBin, filepath.Join(o.work, fmt.Sprintf("mockhub-query-%d.log", n)))
	if err != nil {
		return r, err
	}
	defer hub.stop()
	if err := provisionUsers(hub.info, n); err != nil {
		return r, err
	}
	// The commands run the newest Terraform: OpenTofu has no query.
	tf := *o
	tf.tofu = o.terraform
	provider := fmt.Sprintf(`terraform {
  required_providers {
    docker = { source = "dockerscim/docker" }
  }
}

provider "docker" {
  scim_base_url = %q
  scim_token    = %q
}
`, hub.info.SCIMBaseURL, hub.info.SCIMToken)
	list := fmt.Sprintf(`list "docker_scim_user" "people" {
  provider = docker
  limit    = %d
}
`, n+1000)

	dir := filepath.Join(o.work, fmt.Sprintf("query-%d", n))
	if err := writeConfig(dir, map[string]string{"main.tf": provider, "people.tfquery.hcl": list}); err != nil {
		return r, err
	}
	if r.query, err = tf.measure(env, dir, hub, "query"); err != nil {
		r.query.err = firstLine(err.Error())
	} else if b, err := os.ReadFile(filepath.Join(dir, "query.log")); err == nil {
		r.listed = strings.Count(string(b), "list.docker_scim_user.people")
	}
	if r.generate, _, err = tf.measureCmd(env, dir, hub, "query-generate", "query", "-generate-config-out=people.tf"); err != nil {
		r.generate.err = firstLine(err.Error())
	} else if b, err := os.ReadFile(filepath.Join(dir, "people.tf")); err == nil {
		r.generatedResources = strings.Count(string(b), `resource "docker_scim_user"`)
	} else {
		r.generatedConfigMissing = true
	}

	dsDir := filepath.Join(o.work, fmt.Sprintf("query-data-source-%d", n))
	if err := writeConfig(dsDir, map[string]string{"main.tf": provider + `
data "docker_scim_users" "all" {}

output "people" {
  value = length(data.docker_scim_users.all.users)
}
`}); err != nil {
		return r, err
	}
	if r.data, err = tf.measure(env, dsDir, hub, "plan"); err != nil {
		r.data.err = firstLine(err.Error())
	}
	return r, nil
}

func writeConfig(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// provisionUsers creates n SCIM users as an IdP's push would, 8 at a time.
func provisionUsers(info mockhubInfo, n int) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				if err := provisionUser(info, i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return firstErr
}

func provisionUser(info mockhubInfo, i int) error {
	body, _ := json.Marshal(map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":   fmt.Sprintf("idp%05d@moby.example", i),
		"externalId": fmt.Sprintf("00u%07d", i),
		"name":       map[string]string{"givenName": "Idp", "familyName": fmt.Sprintf("User %d", i)},
	})
	req, err := http.NewRequest(http.MethodPost, info.SCIMBaseURL+"/Users", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+info.SCIMToken)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("creating user %d: status %d", i, resp.StatusCode)
	}
	return nil
}

// queryReport is the discovery section.
func (o *options) queryReport(rows []queryRow) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Discovery: terraform query\n\n")
	fmt.Fprintf(&b, "N SCIM users already provisioned through SCIM (as an identity provider would), listed with %s: "+
		"`terraform query` of a `list \"docker_scim_user\"` block (limit N + 1000, no `include_resource`), the same with "+
		"`-generate-config-out` (a `docker_scim_user` and an `import` block per user), and beside them the data-source path, "+
		"a plan of `data \"docker_scim_users\"` with an output of its length. One round each, in that order, against one "+
		"mockhub. Requests are what mockhub served during the command (all APIs; SCIM in brackets); mockhub answers "+
		"at most 200 users per page.\n\n", cliVersion(o.terraform))
	b.WriteString("| N | command | wall | requests | provider CPU | peak RSS | result | errors |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---|---|\n")
	for _, r := range rows {
		result := fmt.Sprintf("%d resources generated", r.generatedResources)
		counted := fmt.Sprintf("%d users listed", r.listed)
		if r.generatedConfigMissing {
			result = "no file generated"
		}
		for _, c := range []struct {
			name, result string
			s            step
		}{
			{"`terraform query`", counted, r.query},
			{"`terraform query -generate-config-out`", result, r.generate},
			{"`terraform plan`, `data \"docker_scim_users\"`", fmt.Sprintf("%d users read", r.n), r.data},
		} {
			errs := c.s.err
			if errs == "" {
				errs = "none"
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %d (%d) | %s | %s | %s | %s |\n", r.n, c.name, secs(c.s.wall), c.s.requests,
				c.s.scim, secs(time.Duration(c.s.cpuMS)*time.Millisecond), mib(c.s.rssKiB), c.result, errs)
		}
	}
	b.WriteString("\n")
	return b.String()
}

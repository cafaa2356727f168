package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// lockedBuffer is a bytes.Buffer safe for the server's concurrent logging.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs the command in the background and returns its Info.
func start(t *testing.T, args ...string) (mockhub.Info, *lockedBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	ready := make(chan mockhub.Info, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, stdout, stderr, ready) }()
	var info mockhub.Info
	select {
	case info = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("run: %v\n%s", err, stderr)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("no startup line")
	}
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("no graceful shutdown")
			return nil
		}
	}
	t.Cleanup(func() { cancel() })
	return info, stdout, stop
}

func TestRunPrintsOneJSONLine(t *testing.T) {
	info, stdout, stop := start(t, "-addr", "127.0.0.1:0", "-scim-token", "t0k")
	out := stdout.String()
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Fatalf("stdout is not one line: %q", out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hub_url", "username", "password", "org_name", "sso_connection_id", "scim_base_url", "scim_token", "console_url"} {
		if s, _ := m[k].(string); s == "" {
			t.Errorf("startup line has no %s: %s", k, out)
		}
	}
	// The default org is in no company, and the key says so.
	if s, ok := m["company_name"].(string); !ok || s != "" {
		t.Errorf("startup line's company_name: %v", m["company_name"])
	}
	if info.SCIMToken != "t0k" || info.SCIMBaseURL != info.HubURL+"/v2/scim/2.0" || strings.HasSuffix(info.HubURL, ":0") {
		t.Errorf("%+v", info)
	}
	req, _ := http.NewRequest("GET", info.SCIMBaseURL+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+info.SCIMToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("SCIM through the command: %d", res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func TestRunWithoutSCIMOmitsSCIMKeys(t *testing.T) {
	_, stdout, stop := start(t, "-addr", "127.0.0.1:0")
	if strings.Contains(stdout.String(), "scim_") {
		t.Errorf("%s", stdout)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

func TestRunStateSurvivesRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	info, _, stop := start(t, "-addr", "127.0.0.1:0", "-state", state, "-scim-token", "tok")
	body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"restart@moby.example"}`
	req, _ := http.NewRequest("POST", info.SCIMBaseURL+"/Users", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("%v %v", err, res)
	}
	_ = res.Body.Close()
	if err := stop(); err != nil {
		t.Error(err)
	}
	info, _, stop = start(t, "-addr", "127.0.0.1:0", "-state", state, "-scim-token", "tok")
	defer func() { _ = stop() }()
	req, _ = http.NewRequest("GET", info.SCIMBaseURL+"/Users?count=0", nil)
	req.Header.Set("Authorization", "Bearer tok")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var list struct{ TotalResults int }
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if list.TotalResults != 1 {
		t.Errorf("users after restart: %d", list.TotalResults)
	}
}

func TestRunRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces", []string{"-addr", ":8080"}, "-allow-remote"},
		{"non-loopback", []string{"-addr", "0.0.0.0:0"}, "-allow-remote"},
		{"public ip", []string{"-addr", "192.0.2.1:0"}, "-allow-remote"},
		{"bad addr", []string{"-addr", "nope"}, "nope"},
		{"unknown flag", []string{"-bogus"}, "bogus"},
		{"extra argument", []string{"serve"}, "unexpected"},
		{"missing seed", []string{"-seed", "/nonexistent/seed.json"}, "seed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr, nil)
			if err == nil || !strings.Contains(err.Error()+stderr.String(), tc.want) {
				t.Errorf("err %v, stderr %q; want mention of %q", err, stderr.String(), tc.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:8080", false, true},
		{"127.0.0.1:0", false, true},
		{"[::1]:0", false, true},
		{"localhost:0", false, true},
		{"0.0.0.0:0", false, false},
		{":0", false, false},
		{"10.0.0.1:80", false, false},
		{"0.0.0.0:0", true, true},
		{":0", true, true},
	} {
		if err := checkAddr(tc.addr, tc.remote); (err == nil) != tc.ok {
			t.Errorf("checkAddr(%q, %v) = %v", tc.addr, tc.remote, err)
		}
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &stdout, &stderr, nil); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err %v", err)
	}
	usage := strings.SplitN(stderr.String(), "\n", 2)[0]
	for _, f := range []string{"-addr", "-seed", "-state", "-scim-token", "-allow-remote", "-v"} {
		if !strings.Contains(usage, "["+f) {
			t.Errorf("usage line %q lacks %s", usage, f)
		}
	}
}

func TestErrorLineHasOnePrefix(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(state, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-state", state}, io.Discard, io.Discard, nil)
	if err == nil {
		t.Fatal("bad state accepted")
	}
	if line := errorLine(err); strings.Count(line, "mockhub:") != 1 || !strings.HasPrefix(line, "mockhub: ") {
		t.Errorf("error line %q", line)
	}
	if line := errorLine(errors.New("listening on x: refused")); line != "mockhub: listening on x: refused" {
		t.Errorf("error line %q", line)
	}
}

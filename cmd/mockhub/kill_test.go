package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// TestHelperMockhub is mockhub itself, run in a subprocess by
// TestKill9KeepsAcknowledgedWrites.
func TestHelperMockhub(t *testing.T) {
	if os.Getenv("MOCKHUB_HELPER") != "1" {
		t.Skip("a subprocess helper")
	}
	args := strings.Split(os.Getenv("MOCKHUB_ARGS"), " ")
	if err := run(context.Background(), args, os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(0)
}

// startChild starts mockhub in a subprocess and returns its start line.
func startChild(t *testing.T, state string) (*exec.Cmd, mockhub.Info) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMockhub$")
	cmd.Env = append(os.Environ(), "MOCKHUB_HELPER=1", "MOCKHUB_ARGS=-addr 127.0.0.1:0 -state "+state+" -scim-token kill-tok")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v", err)
	}
	var info mockhub.Info
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("start line %q: %v", line, err)
	}
	return cmd, info
}

// TestKill9KeepsAcknowledgedWrites kills mockhub with SIGKILL while 8
// connections create users, restarts it on the same -state, and checks that
// every user whose create was answered 201 is there.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	dir := t.TempDir()
	state := filepath.Join(dir, "state.db")
	cmd, info := startChild(t, state)

	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("k%d-%d@moby.example", w, i)
				body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + name + `"}`
				req, _ := http.NewRequest("POST", info.SCIMBaseURL+"/Users", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer kill-tok")
				res, err := client.Do(req)
				if err != nil {
					return // killed
				}
				res.Body.Close()
				if res.StatusCode == 201 {
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
				}
			}
		})
	}
	// Kill once a few hundred creates are acknowledged, with more in flight.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 400 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("nothing acknowledged before the kill")
	}

	_, info = startChild(t, state)
	have := map[string]bool{}
	for start := 1; ; start += 200 {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/Users?startIndex=%d&count=200&attributes=userName", info.SCIMBaseURL, start), nil)
		req.Header.Set("Authorization", "Bearer kill-tok")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			TotalResults int
			Resources    []struct{ UserName string }
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page.Resources {
			have[u.UserName] = true
		}
		if len(page.Resources) == 0 || start+200 > page.TotalResults {
			break
		}
	}
	missing := 0
	for _, n := range acked {
		if !have[n] {
			missing++
		}
	}
	t.Logf("%d creates acknowledged before kill -9, %d users after restart", len(acked), len(have))
	if missing > 0 {
		t.Errorf("%d of %d acknowledged users lost", missing, len(acked))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "state.db" && e.Name() != "state.db.wal" {
			t.Errorf("left beside the state: %s", e.Name())
		}
	}
}

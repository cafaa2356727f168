package provider

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The installation tests take the release scripts/release.sh built (the
// folder in TF_ACC_RELEASE_DIR: `make check` builds this machine's platform
// and sets it) and install it as a team without registry access would: a
// filesystem_mirror in the packed layout, and no dev_overrides. The mockhub
// they provision against is the release's own binary.

// releaseUnderTest is the provider and mockhub zips of one release, for this
// machine's platform.
type releaseUnderTest struct {
	version     string
	providerZip string
	mockhubZip  string
}

// findRelease reads TF_ACC_RELEASE_DIR, skipping without TF_ACC or without
// a release, and checks the zips against the release's SHA256SUMS.
func findRelease(t *testing.T) releaseUnderTest {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	dir := os.Getenv("TF_ACC_RELEASE_DIR")
	if dir == "" {
		t.Skip("needs a release build: set TF_ACC_RELEASE_DIR to the folder `scripts/release.sh host` prints (make check does)")
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	zips, err := filepath.Glob(filepath.Join(dir, "terraform-provider-docker_*_"+platform+".zip"))
	if err != nil || len(zips) != 1 {
		t.Fatalf("TF_ACC_RELEASE_DIR=%s: want one provider zip for %s, found %v (%v)", dir, platform, zips, err)
	}
	name := filepath.Base(zips[0])
	version := strings.TrimSuffix(strings.TrimPrefix(name, "terraform-provider-docker_"), "_"+platform+".zip")
	rel := releaseUnderTest{
		version:     version,
		providerZip: zips[0],
		mockhubZip:  filepath.Join(dir, "mockhub_"+version+"_"+platform+".zip"),
	}
	sums, err := os.ReadFile(filepath.Join(dir, "terraform-provider-docker_"+version+"_SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range []string{rel.providerZip, rel.mockhubZip} {
		b, err := os.ReadFile(z)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if line := hex.EncodeToString(sum[:]) + "  " + filepath.Base(z); !slices.Contains(strings.Split(string(sums), "\n"), line) {
			t.Fatalf("SHA256SUMS lacks %q", line)
		}
	}
	return rel
}

// zipHash1 is the "h1:" hash the CLIs record in the lock file for a
// provider package: golang.org/x/mod/sumdb/dirhash's Hash1 over the files of
// the zip.
func zipHash1(t *testing.T, path string) string {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var lines []string
	for _, f := range r.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%x  %s\n", h.Sum(nil), f.Name))
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "")))
	return "h1:" + base64.StdEncoding.EncodeToString(sum[:])
}

// unzipOne extracts the single file of a zip into dir and returns its path.
func unzipOne(t *testing.T, zipPath, dir string) string {
	t.Helper()
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if len(r.File) != 1 {
		t.Fatalf("%s holds %d files, want 1", zipPath, len(r.File))
	}
	rc, err := r.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := filepath.Join(dir, filepath.Base(r.File[0].Name))
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(f, rc); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// packedMirror lays zipPath out as a packed filesystem mirror under both
// registry hosts (OpenTofu resolves dockerscim/docker on its own registry)
// and returns the mirror's root.
func packedMirror(t *testing.T, zipPath string) string {
	t.Helper()
	root := t.TempDir()
	b, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(root, host, "dockerscim", "docker")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, filepath.Base(zipPath)), string(b))
	}
	return root
}

// mirrorWork is a working directory whose CLI config installs
// dockerscim/docker from mirror alone: no dev_overrides, no registry.
func mirrorWork(t *testing.T, mirror, version string, env ...string) *cliWork {
	t.Helper()
	dir := workDir(t, "install")
	rc := filepath.Join(dir, "..", "mirror.tfrc")
	writeFile(t, rc, fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/dockerscim/docker", "registry.opentofu.org/dockerscim/docker"]
  }
}
`, mirror))
	var base []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "DOCKER_") || strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "SSL_CERT_") {
			continue
		}
		base = append(base, kv)
	}
	base = append(base, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	// A prerelease (a snapshot) is selected only by an exact constraint.
	writeFile(t, filepath.Join(dir, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    docker = {
      source  = "dockerscim/docker"
      version = %q
    }
  }
}

provider "docker" {}

resource "docker_scim_user" "ada" {
  user_name   = "ada.lovelace@moby.example"
  given_name  = "Ada"
  family_name = "Lovelace"
  role        = "editor"
}
`, version))
	return &cliWork{t: t, bin: cliPath(t), dir: dir, env: append(base, env...)}
}

// releasedMockhub is the release's mockhub running as a process.
type releasedMockhub struct {
	HubURL      string `json:"hub_url"`
	SCIMBaseURL string `json:"scim_base_url"`
	SCIMToken   string `json:"scim_token"`
	TLSCAFile   string `json:"tls_ca_file"`
}

// startReleasedMockhub runs bin with args until the test ends and returns
// its start line.
func startReleasedMockhub(t *testing.T, bin string, args ...string) releasedMockhub {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		if s.Scan() {
			lines <- s.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
	}
	var m releasedMockhub
	if err := json.Unmarshal([]byte(line), &m); err != nil || m.HubURL == "" {
		t.Fatalf("mockhub %v printed no start line (%q, %v); stderr:\n%s", args, line, err, stderr.String())
	}
	return m
}

func TestAccRelease_installFromFilesystemMirror(t *testing.T) {
	rel := findRelease(t)
	mirror := packedMirror(t, rel.providerZip)
	mockhubBin := unzipOne(t, rel.mockhubZip, t.TempDir())
	out, err := exec.Command(mockhubBin, "-version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "mockhub "+rel.version {
		t.Errorf("released mockhub -version: %q %v, want \"mockhub %s\"", out, err, rel.version)
	}

	for _, variant := range []string{"http", "https"} {
		t.Run(variant, func(t *testing.T) {
			t.Parallel()
			const token = "release-install-token"
			args := []string{"-addr", "127.0.0.1:0", "-scim-token", token}
			if variant == "https" {
				args = append(args, "-tls-names", "localhost,127.0.0.1", "-tls-ca-out", filepath.Join(t.TempDir(), "mockhub-ca.pem"))
			}
			hub := startReleasedMockhub(t, mockhubBin, args...)
			client := &http.Client{Timeout: 30 * time.Second}
			scimBase := hub.SCIMBaseURL
			env := []string{"DOCKER_SCIM_TOKEN=" + token}
			var agents agentLog
			if variant == "https" {
				// The provider trusts mockhub's certificate as the README
				// says: SSL_CERT_FILE names the file mockhub wrote.
				if !strings.HasPrefix(hub.HubURL, "https://") || hub.TLSCAFile == "" {
					t.Fatalf("mockhub -tls-names: %+v", hub)
				}
				env = append(env, "SSL_CERT_FILE="+hub.TLSCAFile)
				client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: certPool(t, hub.TLSCAFile), MinVersion: tls.VersionTLS12}}
			} else {
				// Plain http on loopback, through a proxy that records the
				// provider's User-Agent, which carries its stamped version.
				u, err := url.Parse(hub.HubURL)
				if err != nil {
					t.Fatal(err)
				}
				proxy := httputil.NewSingleHostReverseProxy(u)
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					agents.add(r.UserAgent())
					proxy.ServeHTTP(w, r)
				}))
				t.Cleanup(srv.Close)
				scimBase = srv.URL + "/v2/scim/2.0"
			}
			env = append(env, "DOCKER_SCIM_BASE_URL="+scimBase)

			w := mirrorWork(t, mirror, rel.version, env...)
			r := w.mustRun("init", "-input=false", "-no-color")
			if !strings.Contains(r.stdout, "Installing dockerscim/docker v"+rel.version) {
				t.Errorf("init did not install v%s from the mirror:\n%s", rel.version, r.stdout)
			}
			lock, err := os.ReadFile(filepath.Join(w.dir, ".terraform.lock.hcl"))
			if err != nil {
				t.Fatal(err)
			}
			host := "registry.terraform.io"
			if isOpenTofu(t, w) {
				host = "registry.opentofu.org"
			}
			for _, want := range []string{
				fmt.Sprintf("provider %q", host+"/dockerscim/docker"),
				fmt.Sprintf("version     = %q", rel.version),
				fmt.Sprintf("%q", zipHash1(t, rel.providerZip)),
			} {
				if !strings.Contains(string(lock), want) {
					t.Errorf("lock file lacks %s:\n%s", want, lock)
				}
			}

			r = w.mustRun("plan", "-input=false", "-no-color", "-out=tfplan")
			if !strings.Contains(r.stdout, "1 to add, 0 to change, 0 to destroy") {
				t.Errorf("first plan:\n%s", r.stdout)
			}
			w.mustRun("apply", "-input=false", "-no-color", "tfplan")
			res := scimGet(t, client, hub.SCIMBaseURL+"/Users?filter="+url.QueryEscape(`userName eq "ada.lovelace@moby.example"`), token)
			if !strings.Contains(res, `"totalResults":1`) || !strings.Contains(res, `"dockerRole":"editor"`) {
				t.Errorf("mockhub after apply: %s", res)
			}
			if r := w.run(nil, "plan", "-input=false", "-no-color", "-detailed-exitcode"); r.err != nil {
				t.Errorf("second plan is not empty (%v):\n%s%s", r.err, r.stdout, r.stderr)
			}
			r = w.mustRun("version")
			if want := "provider " + host + "/dockerscim/docker v" + rel.version; !strings.Contains(r.stdout, want) {
				t.Errorf("version lacks %q:\n%s", want, r.stdout)
			}
			if variant == "http" {
				want := "terraform-provider-docker/" + rel.version
				if got := agents.all(); len(got) == 0 || slices.ContainsFunc(got, func(a string) bool { return a != want }) {
					t.Errorf("User-Agents %q, want only %q", got, want)
				}
				checkLockRefusesTamperedPackage(t, rel, lock, env)
			}
		})
	}
}

// checkLockRefusesTamperedPackage runs init with lock in a mirror whose
// package of the same name and version holds other bytes: the lock file's
// hash must refuse it.
func checkLockRefusesTamperedPackage(t *testing.T, rel releaseUnderTest, lock []byte, env []string) {
	t.Helper()
	tampered := filepath.Join(t.TempDir(), filepath.Base(rel.providerZip))
	f, err := os.Create(tampered)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	fw, err := zw.Create("terraform-provider-docker_v" + rel.version)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte("#!/bin/sh\nexit 1\n"))
	if err := errors.Join(zw.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	w := mirrorWork(t, packedMirror(t, tampered), rel.version, env...)
	writeFile(t, filepath.Join(w.dir, ".terraform.lock.hcl"), string(lock))
	r := w.run(nil, "init", "-input=false", "-no-color")
	if r.err == nil || !strings.Contains(r.output(), "checksum") {
		t.Errorf("init of a tampered package with the lock file: %v\n%s", r.err, r.output())
	}
}

// isOpenTofu reports whether the working directory's CLI is OpenTofu.
func isOpenTofu(t *testing.T, w *cliWork) bool {
	t.Helper()
	return strings.HasPrefix(w.mustRun("version").stdout, "OpenTofu")
}

// certPool holds the certificates of a PEM file.
func certPool(t *testing.T, path string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatalf("%s holds no certificate", path)
	}
	return pool
}

// scimGet GETs a SCIM URL with the bearer token and returns the body.
func scimGet(t *testing.T, c *http.Client, u, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// agentLog collects the User-Agent of every request, concurrently.
type agentLog struct {
	mu     sync.Mutex
	agents []string
}

func (l *agentLog) add(a string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.agents = append(l.agents, a)
}

func (l *agentLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.agents)
}

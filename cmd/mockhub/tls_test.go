package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startLineOf parses what the command printed on start.
func startLineOf(t *testing.T, stdout *lockedBuffer) startLine {
	t.Helper()
	var l startLine
	if err := json.Unmarshal([]byte(stdout.String()), &l); err != nil {
		t.Fatalf("start line %q: %v", stdout, err)
	}
	return l
}

// clientTrusting is an HTTP client whose only root is the PEM file at path.
func clientTrusting(t *testing.T, path string) *http.Client {
	t.Helper()
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("%s holds no certificate", path)
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// get sends a GET with an optional bearer token and returns the status.
func get(t *testing.T, c *http.Client, url, bearer string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

func TestRunServesTLSWithGeneratedCertificate(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	_, stdout, stop := start(t, "-addr", "127.0.0.1:0", "-tls-names", "localhost,127.0.0.1", "-tls-ca-out", ca, "-scim-token", "tok")
	defer func() { _ = stop() }()
	l := startLineOf(t, stdout)
	if !strings.HasPrefix(l.HubURL, "https://127.0.0.1:") || l.SCIMBaseURL != l.HubURL+"/v2/scim/2.0" || l.ConsoleURL != l.HubURL+"/" {
		t.Errorf("URLs of a TLS mockhub: %+v", l)
	}
	if l.TLSCAFile != ca {
		t.Errorf("tls_ca_file %q, want %q", l.TLSCAFile, ca)
	}
	if l.ControlToken != "" {
		t.Errorf("control_token without -allow-remote: %q", l.ControlToken)
	}

	// The fingerprint is the written certificate's, as openssl prints it.
	pemBytes, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("%s is not a PEM certificate: %q", ca, pemBytes)
	}
	sum := sha256.Sum256(block.Bytes)
	want := strings.ToUpper(strings.TrimSuffix(fmt.Sprintf("% x", sum[:]), " "))
	want = strings.ReplaceAll(want, " ", ":")
	if l.TLSFingerprint != want {
		t.Errorf("tls_fingerprint %q, want %q", l.TLSFingerprint, want)
	}

	// A client trusting the file reaches the APIs, by address and by name.
	c := clientTrusting(t, ca)
	if code := get(t, c, l.SCIMBaseURL+"/Users", l.SCIMToken); code != 200 {
		t.Errorf("SCIM over TLS: %d", code)
	}
	byName := strings.Replace(l.SCIMBaseURL, "127.0.0.1", "localhost", 1)
	if code := get(t, c, byName+"/ServiceProviderConfig", l.SCIMToken); code != 200 {
		t.Errorf("SCIM over TLS by name: %d", code)
	}
	// One that does not trust it is refused, and plain http is not served.
	if _, err := http.Get(l.HubURL + "/v2/scim/2.0/ServiceProviderConfig"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client without the CA file: %v", err)
	}
	if code := get(t, http.DefaultClient, strings.Replace(l.HubURL, "https://", "http://", 1)+"/v2/scim/2.0/ServiceProviderConfig", ""); code != http.StatusBadRequest {
		t.Errorf("plain http to the TLS port: %d", code)
	}
}

// writeKeyPair writes a certificate for names signed by a fresh CA, and
// returns the CA's PEM.
func writeKeyPair(t *testing.T, dir string, names ...string) (certFile, keyFile string, caPEM []byte) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caTmpl, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeTestFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeTestFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	return certFile, keyFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

func writeTestFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRunServesTLSWithGivenKeyPair(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, caPEM := writeKeyPair(t, dir, "localhost")
	caFile := filepath.Join(dir, "ca.pem")
	writeTestFile(t, caFile, caPEM)
	_, stdout, stop := start(t, "-addr", "127.0.0.1:0", "-tls-cert", certFile, "-tls-key", keyFile, "-scim-token", "tok")
	defer func() { _ = stop() }()
	l := startLineOf(t, stdout)
	// The certificate names localhost only, so the URL does too.
	if !strings.HasPrefix(l.HubURL, "https://localhost:") {
		t.Errorf("hub_url %q, want https://localhost:<port>", l.HubURL)
	}
	if l.TLSCAFile != "" || len(l.TLSFingerprint) != 32*3-1 {
		t.Errorf("tls_ca_file %q (want none), tls_fingerprint %q", l.TLSCAFile, l.TLSFingerprint)
	}
	if code := get(t, clientTrusting(t, caFile), l.SCIMBaseURL+"/Users", "tok"); code != 200 {
		t.Errorf("SCIM over TLS with a given key pair: %d", code)
	}
}

func TestTLSURLHost(t *testing.T) {
	s, err := generateTLS([]string{"mockhub.test", "127.0.0.1"}, filepath.Join(t.TempDir(), "ca.pem"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"127.0.0.1": "127.0.0.1",    // covered
		"0.0.0.0":   "mockhub.test", // every interface: the first name
		"::":        "mockhub.test",
		"10.1.2.3":  "mockhub.test", // not covered
	} {
		if got := s.urlHost(host); got != want {
			t.Errorf("urlHost(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestRunRejectsTLSFlags(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := writeKeyPair(t, dir, "localhost")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"cert without key", []string{"-tls-cert", certFile}, "-tls-key"},
		{"key without cert", []string{"-tls-key", keyFile}, "-tls-cert"},
		{"names and cert", []string{"-tls-names", "localhost", "-tls-cert", certFile, "-tls-key", keyFile}, "not both"},
		{"ca-out alone", []string{"-tls-ca-out", filepath.Join(dir, "x.pem")}, "-tls-names"},
		{"ca-out with a key pair", []string{"-tls-cert", certFile, "-tls-key", keyFile, "-tls-ca-out", filepath.Join(dir, "x.pem")}, "-tls-names"},
		{"bad name", []string{"-tls-names", "https://x"}, "neither"},
		{"empty name", []string{"-tls-names", "localhost,"}, "empty"},
		{"key of another cert", []string{"-tls-cert", certFile, "-tls-key", certFile}, "-tls-key"},
		{"control token on loopback", []string{"-control-token", "x"}, "-allow-remote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tc.args...), &stdout, &stderr, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v; want mention of %q", err, tc.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
}

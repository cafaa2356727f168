// Command mockhub serves a local simulator of Docker Hub's SCIM 2.0 API and
// management API, for IdP integration work, the provider's acceptance tests
// and CI.
//
// Usage:
//
//	mockhub [-addr 127.0.0.1:8080] [-seed FILE] [-state FILE] [-scim-token TOKEN] [-dialect rfc|published]
//	        [-tls-cert FILE -tls-key FILE | -tls-names NAMES [-tls-ca-out FILE]]
//	        [-allow-remote [-control-token TOKEN]] [-v] [-version]
//
// On start it prints one line of JSON to stdout: hub_url, username,
// password, org_name, company_name, sso_connection_id, scim_base_url and
// scim_token when SCIM is enabled on the org connection, and console_url (a
// web page showing the org and the latest requests); with TLS,
// tls_fingerprint and, for a generated certificate, tls_ca_file; with
// -allow-remote, control_token. Logs go to stderr. SIGINT or SIGTERM shut it
// down gracefully.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// version is set by the release build's ldflags.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, errorLine(err))
		os.Exit(2)
	}
}

const usage = "usage: mockhub [-addr 127.0.0.1:8080] [-seed FILE] [-state FILE] [-scim-token TOKEN] [-dialect rfc|published] [-tls-cert FILE -tls-key FILE | -tls-names NAMES [-tls-ca-out FILE]] [-allow-remote [-control-token TOKEN]] [-v] [-version]"

// startLine is the JSON line printed on start: the server's Info and what
// the command adds around it.
type startLine struct {
	mockhub.Info
	// TLSFingerprint is the served certificate's SHA-256 fingerprint.
	TLSFingerprint string `json:"tls_fingerprint,omitempty"`
	// TLSCAFile is the generated certificate's file, for SSL_CERT_FILE.
	TLSCAFile string `json:"tls_ca_file,omitempty"`
	// ControlToken opens the console and /_mock/ under -allow-remote.
	ControlToken string `json:"control_token,omitempty"`
}

// errorLine is the one line main prints for err, prefixed "mockhub: " once:
// errors from the mockhub package already say where they come from.
func errorLine(err error) string {
	msg := err.Error()
	if !strings.HasPrefix(msg, "mockhub: ") {
		msg = "mockhub: " + msg
	}
	return msg
}

// run parses args, serves until ctx is done, and shuts down gracefully.
// ready, when non-nil, receives the Info once the server listens.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- mockhub.Info) error {
	fs := flag.NewFlagSet("mockhub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address; port 0 picks a free port")
	seedPath := fs.String("seed", "", "JSON seed file describing accounts, companies, orgs, teams and SSO connections (default: the built-in seed)")
	statePath := fs.String("state", "", "state database: loaded at start when it exists (a JSON state file of earlier versions is refused, saying so), every acknowledged change saved")
	scimToken := fs.String("scim-token", "", "enable SCIM on the default org connection with this token")
	allowRemote := fs.Bool("allow-remote", false, "allow a non-loopback -addr; the console and /_mock/ then need the control token")
	controlToken := fs.String("control-token", "", "with -allow-remote, the token the console and /_mock/ require (default: a random one, printed on the start line)")
	tlsCert := fs.String("tls-cert", "", "serve https with this PEM certificate (chain), with -tls-key")
	tlsKey := fs.String("tls-key", "", "the PEM private key of -tls-cert")
	tlsNames := fs.String("tls-names", "", "serve https with a self-signed certificate generated at start for these comma-separated host names and IP addresses")
	tlsCAOut := fs.String("tls-ca-out", "", "where -tls-names writes its certificate, for clients to trust (default mockhub-ca.pem)")
	verbose := fs.Bool("v", false, "log at debug level")
	showVersion := fs.Bool("version", false, "print the version and exit")
	dialect := dialectFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if *showVersion {
		_, err := fmt.Fprintf(stdout, "mockhub %s\n", version)
		return err
	}
	if err := checkAddr(*addr, *allowRemote); err != nil {
		return err
	}
	if *controlToken != "" && !*allowRemote {
		return errors.New("-control-token needs -allow-remote: on loopback the console and /_mock/ are open")
	}
	tlsSet, err := loadTLS(*tlsCert, *tlsKey, *tlsNames, *tlsCAOut, time.Now())
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	var seed *mockhub.Seed
	if *seedPath != "" {
		if seed, err = mockhub.LoadSeed(*seedPath); err != nil {
			return err
		}
	}
	srv, err := mockhub.New(mockhub.Options{Seed: seed, StatePath: *statePath, SCIMToken: *scimToken, Logger: logger, Dialect: *dialect})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	var handler http.Handler = srv
	scheme, host, port := "http", "", ""
	if host, port, err = net.SplitHostPort(ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	start := startLine{}
	if tlsSet != nil {
		scheme, host = "https", tlsSet.urlHost(host)
		start.TLSFingerprint, start.TLSCAFile = tlsSet.fingerprint(), tlsSet.caFile
	}
	if *allowRemote {
		start.ControlToken = *controlToken
		if start.ControlToken == "" {
			if start.ControlToken, err = newControlToken(); err != nil {
				ln.Close()
				return err
			}
		}
		handler = controlGuard(srv, start.ControlToken, tlsSet != nil)
	}
	hs := newHTTPServer(handler, logger)
	info := srv.Info(scheme + "://" + net.JoinHostPort(host, port))
	start.Info = info
	if start.ControlToken != "" {
		start.ConsoleURL += "?" + controlQuery + "=" + start.ControlToken
	}
	line, err := json.Marshal(start)
	if err != nil {
		ln.Close()
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		ln.Close()
		return err
	}
	logger.Info("mockhub listening", "version", version, "url", info.HubURL, "state", *statePath, "dialect", info.Dialect)
	if tlsSet != nil {
		logger.Info("serving https", "sha256_fingerprint", start.TLSFingerprint, "ca_file", start.TLSCAFile)
	}
	if ready != nil {
		ready <- info
	}

	errc := make(chan error, 1)
	if tlsSet != nil {
		hs.TLSConfig = tlsSet.config()
		go func() { errc <- hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { errc <- hs.Serve(ln) }()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("closing state: %w", err)
	}
	return nil
}

// checkAddr refuses a non-loopback address unless allowRemote.
func checkAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		what := host
		if host == "" {
			what = "every interface"
		}
		return fmt.Errorf("-addr %q would listen on %s, not loopback: pass -allow-remote to mean it (the console and /_mock/ then need a control token), or use 127.0.0.1", addr, what)
	}
	return nil
}

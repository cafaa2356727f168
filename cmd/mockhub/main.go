// Command mockhub serves a local simulator of Docker Hub's SCIM 2.0 API and
// management API, for IdP integration work, the provider's acceptance tests
// and CI.
//
// Usage:
//
//	mockhub [-addr 127.0.0.1:8080] [-seed FILE] [-state FILE] [-scim-token TOKEN] [-dialect rfc|published] [-allow-remote] [-v]
//
// On start it prints one line of JSON to stdout: hub_url, username,
// password, org_name, company_name, sso_connection_id, scim_base_url and
// scim_token when SCIM is enabled on the org connection, and console_url (a
// web page showing the org and the latest requests). Logs go to stderr.
// SIGINT or SIGTERM shut it down gracefully.
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
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

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

const usage = "usage: mockhub [-addr 127.0.0.1:8080] [-seed FILE] [-state FILE] [-scim-token TOKEN] [-dialect rfc|published] [-allow-remote] [-v]"

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
	statePath := fs.String("state", "", "state database: loaded at start when it exists (a JSON state file of earlier versions is converted), every acknowledged change saved")
	scimToken := fs.String("scim-token", "", "enable SCIM on the default org connection with this token")
	allowRemote := fs.Bool("allow-remote", false, "allow a non-loopback -addr (mockhub has no real security)")
	verbose := fs.Bool("v", false, "log at debug level")
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
	if err := checkAddr(*addr, *allowRemote); err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	var seed *mockhub.Seed
	if *seedPath != "" {
		var err error
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
	hs := newHTTPServer(srv, logger)
	info := srv.Info("http://" + ln.Addr().String())
	line, err := json.Marshal(info)
	if err != nil {
		ln.Close()
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		ln.Close()
		return err
	}
	logger.Info("mockhub listening", "url", info.HubURL, "state", *statePath, "dialect", info.Dialect)
	if ready != nil {
		ready <- info
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
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
		return fmt.Errorf("-addr %q would listen on %s, not loopback: mockhub has no real security, so pass -allow-remote to mean it (or use 127.0.0.1)", addr, what)
	}
	return nil
}

// Command rsswrap stands in for the provider binary during `make bench` and
// records the real provider's peak resident memory.
//
// The CLI starts it as terraform-provider-docker (through dev_overrides). It
// runs the binary named by BENCH_PROVIDER_BIN as its child with the same
// arguments, environment and standard streams: the go-plugin handshake is
// the child's first line on stdout, which it writes straight to the CLI
// because the child inherits the file descriptor. Signals are forwarded.
// When the child exits, its peak RSS (getrusage's ru_maxrss, in KiB on
// Linux) is written to BENCH_RSS_DIR/<pid>.rss, and its CPU time (user plus
// system, in milliseconds) to BENCH_RSS_DIR/<pid>.cpu.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
)

func main() {
	bin := os.Getenv("BENCH_PROVIDER_BIN")
	if bin == "" {
		fmt.Fprintln(os.Stderr, "rsswrap: BENCH_PROVIDER_BIN is not set")
		os.Exit(2)
	}
	cmd := exec.Command(bin, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// If the CLI kills this wrapper outright, the provider must not linger.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "rsswrap:", err)
		os.Exit(2)
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if dir := os.Getenv("BENCH_RSS_DIR"); dir != "" && cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			name := filepath.Join(dir, fmt.Sprintf("%d.rss", cmd.Process.Pid))
			_ = os.WriteFile(name, []byte(fmt.Sprintf("%d\n", ru.Maxrss)), 0o644)
			cpu := (ru.Utime.Nano() + ru.Stime.Nano()) / 1e6
			_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.cpu", cmd.Process.Pid)), []byte(fmt.Sprintf("%d\n", cpu)), 0o644)
		}
	}
	if err != nil {
		if ee, ok := errors.AsType[*exec.ExitError](err); ok {
			os.Exit(ee.ExitCode())
		}
		os.Exit(1)
	}
}

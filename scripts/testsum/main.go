// Command testsum reads `go test -json` on stdin, prints what go test would
// have printed, and appends the run's totals to a report file, so that `make
// check` can end with one line of totals per suite and per CLI.
//
// Usage:
//
//	go test -json ... | testsum [-v] -suite NAME -record FILE
//	testsum -print FILE
//
// Without -v the output is go test's plain form: the output of failing tests
// and the per-package lines ("ok  pkg  1.2s", "FAIL pkg"); with -v, all of
// it, as go test -v prints it. Totals count top-level tests: a subtest's
// result is its parent's. A package that does not build counts as one
// failure. -print writes the report's lines, aligned.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

// totals are one suite's counts.
type totals struct {
	passed, failed, skipped int
}

func main() {
	verbose := flag.Bool("v", false, "print every test's output, as go test -v does")
	suite := flag.String("suite", "", "the suite's name in the report")
	record := flag.String("record", "", "append the suite's totals to this file")
	printFile := flag.String("print", "", "print the totals recorded in this file, and exit")
	flag.Parse()
	if *printFile != "" {
		if err := printReport(os.Stdout, *printFile); err != nil {
			fmt.Fprintln(os.Stderr, "testsum:", err)
			os.Exit(1)
		}
		return
	}
	if *suite == "" || *record == "" {
		fmt.Fprintln(os.Stderr, "usage: go test -json ... | testsum [-v] -suite NAME -record FILE, or testsum -print FILE")
		os.Exit(2)
	}
	t, err := summarize(os.Stdin, os.Stdout, *verbose)
	if err == nil {
		err = appendRecord(*record, *suite, t)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(1)
	}
}

// summarize copies go test's output from the events in r to w and counts
// the top-level tests.
func summarize(r io.Reader, w io.Writer, verbose bool) (totals, error) {
	var t totals
	// Without -v, a test's output is held until it ends, and printed only
	// when it failed.
	held := map[string][]string{}
	// Packages with a failed test: a package that fails without one (its
	// TestMain, or a crash outside tests) counts as one failure.
	failedIn := map[string]bool{}
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event (go test's own messages): pass it on.
			_, _ = bw.Write(append(line, '\n'))
			continue
		}
		top := e.Test != "" && !strings.Contains(e.Test, "/")
		switch e.Action {
		case "build-output":
			_, _ = bw.WriteString(e.Output)
		case "output":
			switch {
			case verbose:
				_, _ = bw.WriteString(e.Output)
			case e.Test != "":
				root, _, _ := strings.Cut(e.Test, "/")
				key := e.Package + " " + root
				held[key] = append(held[key], e.Output)
			case !isVerboseChatter(e.Output):
				_, _ = bw.WriteString(e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test == "" && e.Action == "fail" && !failedIn[e.Package] {
				t.failed++
			}
			if !top {
				continue
			}
			key := e.Package + " " + e.Test
			if e.Action == "fail" && !verbose {
				for _, o := range held[key] {
					if !strings.HasPrefix(o, "=== ") {
						_, _ = bw.WriteString(o)
					}
				}
			}
			delete(held, key)
			switch e.Action {
			case "pass":
				t.passed++
			case "fail":
				t.failed++
				failedIn[e.Package] = true
			case "skip":
				t.skipped++
			}
		}
	}
	return t, sc.Err()
}

// isVerboseChatter reports package-level lines that go test prints only
// with -v (-json implies it): the bare PASS before "ok", and the warning
// that "ok ... [no tests to run]" repeats.
func isVerboseChatter(s string) bool {
	return s == "PASS\n" || s == "testing: warning: no tests to run\n" || strings.HasPrefix(s, "=== ")
}

// appendRecord adds "suite<TAB>passed<TAB>failed<TAB>skipped" to path.
func appendRecord(path, suite string, t totals) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, werr := fmt.Fprintf(f, "%s\t%d\t%d\t%d\n", suite, t.passed, t.failed, t.skipped)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}

// printReport prints each recorded suite on one line, and the sum.
func printReport(w io.Writer, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var sum totals
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return fmt.Errorf("%s: malformed line %q", path, line)
		}
		var n [3]int
		for i := range n {
			if n[i], err = strconv.Atoi(f[i+1]); err != nil {
				return fmt.Errorf("%s: malformed line %q", path, line)
			}
		}
		sum.passed, sum.failed, sum.skipped = sum.passed+n[0], sum.failed+n[1], sum.skipped+n[2]
		fmt.Fprintf(tw, "%s:\t%d passed,\t%d failed,\t%d skipped\n", f[0], n[0], n[1], n[2])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The last line, unpadded, in the plain form CI reads as the run's count.
	_, err = fmt.Fprintf(w, "total: %d passed, %d failed, %d skipped\n", sum.passed, sum.failed, sum.skipped)
	return err
}

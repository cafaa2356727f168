package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A stream as `go test -json ./...` writes it: a passing, a skipped and a
// failing test with subtests in package a, a package b that fails outside
// any test, and a package c that does not build.
const stream = `{"Action":"start","Package":"a"}
{"Action":"run","Package":"a","Test":"TestPass"}
{"Action":"output","Package":"a","Test":"TestPass","Output":"=== RUN   TestPass\n"}
{"Action":"output","Package":"a","Test":"TestPass","Output":"    a_test.go:3: quiet\n"}
{"Action":"output","Package":"a","Test":"TestPass","Output":"--- PASS: TestPass (0.00s)\n"}
{"Action":"pass","Package":"a","Test":"TestPass"}
{"Action":"output","Package":"a","Test":"TestSkip","Output":"--- SKIP: TestSkip (0.00s)\n"}
{"Action":"skip","Package":"a","Test":"TestSkip"}
{"Action":"output","Package":"a","Test":"TestFail/sub","Output":"    a_test.go:5: boom\n"}
{"Action":"output","Package":"a","Test":"TestFail/sub","Output":"--- FAIL: TestFail/sub (0.00s)\n"}
{"Action":"fail","Package":"a","Test":"TestFail/sub"}
{"Action":"pass","Package":"a","Test":"TestFail/ok"}
{"Action":"output","Package":"a","Test":"TestFail","Output":"--- FAIL: TestFail (0.00s)\n"}
{"Action":"fail","Package":"a","Test":"TestFail"}
{"Action":"output","Package":"a","Output":"FAIL\n"}
{"Action":"output","Package":"a","Output":"FAIL\ta\t0.01s\n"}
{"Action":"fail","Package":"a"}
{"Action":"pass","Package":"b","Test":"TestX"}
{"Action":"output","Package":"b","Output":"PASS\n"}
{"Action":"output","Package":"b","Output":"FAIL\tb\t0.01s\n"}
{"Action":"fail","Package":"b"}
{"ImportPath":"c [c.test]","Action":"build-output","Output":"c/c.go:2:23: cannot use \"s\"\n"}
{"ImportPath":"c [c.test]","Action":"build-fail"}
{"Action":"output","Package":"c","Output":"FAIL\tc [build failed]\n"}
{"Action":"fail","Package":"c"}
{"Action":"output","Package":"d","Output":"ok  \td\t0.02s\n"}
{"Action":"pass","Package":"d"}
`

func TestSummarizeCountsTopLevelTests(t *testing.T) {
	var out bytes.Buffer
	got, err := summarize(strings.NewReader(stream), &out, false)
	if err != nil {
		t.Fatal(err)
	}
	// TestPass and b's TestX pass; TestFail, package b and package c fail.
	if want := (totals{passed: 2, failed: 3, skipped: 1}); got != want {
		t.Errorf("totals %+v, want %+v", got, want)
	}
	// Plain output: a failing test's lines (no === RUN), package lines, and
	// the build error; nothing of the passing test.
	want := "    a_test.go:5: boom\n--- FAIL: TestFail/sub (0.00s)\n--- FAIL: TestFail (0.00s)\nFAIL\nFAIL\ta\t0.01s\n" +
		"FAIL\tb\t0.01s\nc/c.go:2:23: cannot use \"s\"\nFAIL\tc [build failed]\nok  \td\t0.02s\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestSummarizeVerbosePrintsEverything(t *testing.T) {
	var out bytes.Buffer
	if _, err := summarize(strings.NewReader(stream), &out, true); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"=== RUN   TestPass\n", "    a_test.go:3: quiet\n", "--- PASS: TestPass (0.00s)\n", "ok  \td\t0.02s\n"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("verbose output lacks %q", line)
		}
	}
}

func TestReportLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report")
	if err := appendRecord(path, "unit", totals{10, 0, 2}); err != nil {
		t.Fatal(err)
	}
	if err := appendRecord(path, "acceptance, OpenTofu 1.12.6", totals{5, 1, 0}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := printReport(&out, path); err != nil {
		t.Fatal(err)
	}
	want := "unit:                         10 passed,  0 failed,  2 skipped\n" +
		"acceptance, OpenTofu 1.12.6:  5 passed,   1 failed,  0 skipped\n" +
		"total: 15 passed, 1 failed, 2 skipped\n"
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
	if err := os.WriteFile(path, []byte("broken line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := printReport(&out, path); err == nil {
		t.Error("a malformed report was printed")
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunDialect(t *testing.T) {
	info, stdout, stop := start(t, "-addr", "127.0.0.1:0", "-dialect", "published")
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout.String()), &m); err != nil {
		t.Fatal(err)
	}
	if m["dialect"] != "published" || info.Dialect != "published" {
		t.Errorf("startup line %s: want dialect published", stdout)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
	_, stdout, stop = start(t, "-addr", "127.0.0.1:0")
	if !strings.Contains(stdout.String(), `"dialect":"rfc"`) {
		t.Errorf("default startup line %s: want dialect rfc", stdout)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}

	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-dialect", "okta"}, &out, &errb, nil)
	if err == nil || !strings.Contains(err.Error()+errb.String(), "rfc, published") || out.Len() != 0 {
		t.Errorf("-dialect okta: err %v, stderr %q, stdout %q", err, errb.String(), out.String())
	}
	var help bytes.Buffer
	_ = run(context.Background(), []string{"-h"}, &out, &help, nil)
	if !strings.Contains(strings.SplitN(help.String(), "\n", 2)[0], "[-dialect") {
		t.Errorf("usage line lacks -dialect: %q", help.String())
	}
}

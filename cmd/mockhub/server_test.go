package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSlowHeadersAreCutOff: a client that never finishes its headers is
// disconnected after readHeaderTimeout instead of holding a connection.
// Not parallel: it shortens a package variable.
func TestSlowHeadersAreCutOff(t *testing.T) {
	defer func(d time.Duration) { readHeaderTimeout = d }(readHeaderTimeout)
	readHeaderTimeout = 200 * time.Millisecond
	info, _, _ := start(t, "-addr", "127.0.0.1:0")

	conn, err := net.Dial("tcp", strings.TrimPrefix(info.HubURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /v2/orgs/moby/members HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	began := time.Now()
	// The server may answer 408 before closing; either way the read ends
	// with the connection closed, long before our own deadline.
	_, err = io.Copy(io.Discard, conn)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		t.Fatalf("connection still open %s after sending half the headers", time.Since(began))
	}
}

// TestHugeHeadersAreRefused: headers beyond maxHeaderBytes are refused with
// 431 rather than buffered.
func TestHugeHeadersAreRefused(t *testing.T) {
	info, _, _ := start(t, "-addr", "127.0.0.1:0")
	conn, err := net.Dial("tcp", strings.TrimPrefix(info.HubURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	go func() {
		_, _ = io.WriteString(conn, "GET /v2/orgs/moby/members HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 2*maxHeaderBytes)+"\r\n\r\n")
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to oversized headers: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d for %d bytes of headers, want 431", resp.StatusCode, 2*maxHeaderBytes)
	}
}

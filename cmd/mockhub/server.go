package main

import (
	"log/slog"
	"net/http"
	"time"
)

// Limits that keep one slow or greedy client from tying the simulator up.
// Request bodies are capped by mockhub itself (1 MiB, then 413).
var (
	// readHeaderTimeout cuts off a client that sends its headers slowly
	// (slowloris). A variable so that a test can shorten it.
	readHeaderTimeout = 10 * time.Second
)

const (
	readTimeout    = 30 * time.Second
	writeTimeout   = 60 * time.Second
	idleTimeout    = 120 * time.Second
	maxHeaderBytes = 64 << 10
)

// newHTTPServer wraps h in an http.Server with the simulator's limits.
func newHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

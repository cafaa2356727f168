// Package mockhub simulates Docker Hub's SCIM 2.0 API and the parts of its
// management API that SCIM provisioning touches: accounts, organizations,
// companies, teams, members and SSO connections, with Docker's provisioning
// semantics. It also serves /_mock/ for tests: request statistics, injected
// faults and a reset.
//
// A Server is an http.Handler; tests mount it with httptest.NewServer, and
// cmd/mockhub serves it on a port.
package mockhub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Server.
type Options struct {
	Seed      *Seed            // nil means DefaultSeed()
	StatePath string           // "" keeps state in memory only
	SCIMToken string           // non-empty enables SCIM on the connection Info describes, with this token
	Now       func() time.Time // nil means time.Now
	Logger    *slog.Logger     // nil discards
	// Dialect is the reading of Docker's contract served: "" or
	// DialectRFC (RFC 7643/7644), or DialectPublished (Docker's
	// published OpenAPI file to the letter).
	Dialect Dialect
}

// Info is what cmd/mockhub prints on start: where the hub is, who owns the
// default org, (when SCIM is enabled on the org connection) how to reach
// SCIM, and where the console is.
type Info struct {
	HubURL          string  `json:"hub_url"`
	Username        string  `json:"username"`
	Password        string  `json:"password"`
	OrgName         string  `json:"org_name"`
	CompanyName     string  `json:"company_name"`
	SSOConnectionID string  `json:"sso_connection_id"`
	SCIMBaseURL     string  `json:"scim_base_url,omitempty"`
	SCIMToken       string  `json:"scim_token,omitempty"`
	ConsoleURL      string  `json:"console_url"`
	Dialect         Dialect `json:"dialect"`
}

// SCIMBasePath is where the SCIM API is served.
const SCIMBasePath = "/v2/scim/2.0"

// maxBody is the largest request body accepted (413 beyond).
const maxBody = 1 << 20

// Server is the simulator. It is safe for concurrent use.
type Server struct {
	opts   Options
	seed   *Seed
	log    *slog.Logger
	now    func() time.Time
	st     *store
	mux    *http.ServeMux
	mock   *http.ServeMux
	stats  stats
	faults faultState
	// dialect is everything that differs between DialectRFC and
	// DialectPublished, chosen once in New.
	dialect *dialect
	tokens  accessTokens
	reqlog  requestLog
	// stale are the SCIM resources whose latest write is not visible yet
	// (the visibility_delay_ms fault).
	stale staleViews
	// durable is the -state database, nil without -state.
	durable *durable

	// routeNames are mux's patterns, the keys by_route may hold.
	routeNames []string
}

// New builds a Server from opts: the state file when it exists, else the seed.
func New(opts Options) (*Server, error) {
	s := &Server{opts: opts, seed: opts.Seed, log: opts.Logger, now: opts.Now}
	if s.seed == nil {
		s.seed = DefaultSeed()
	}
	d, err := newDialect(opts.Dialect)
	if err != nil {
		return nil, fmt.Errorf("mockhub: %w", err)
	}
	s.dialect = d
	if err := s.seed.validate(); err != nil {
		return nil, fmt.Errorf("mockhub: seed: %w", err)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var st *store
	if opts.StatePath != "" {
		var err error
		st, s.durable, err = openState(opts.StatePath, s.now, s.log)
		if err != nil {
			return nil, fmt.Errorf("mockhub: %w", err)
		}
		if st != nil {
			s.log.Info("state loaded", "path", opts.StatePath)
		}
	}
	if st == nil {
		st = storeFromSeed(s.seed, s.now)
	}
	if err := s.applyStartToken(st); err != nil {
		s.Close()
		return nil, err
	}
	s.st = st
	s.stats.reset()
	if s.durable != nil {
		// The world as it starts (seed, or state plus -scim-token) is
		// written whole once; after that only what changes.
		st.dirty = newDirtySet()
		st.dirtyAll()
		ops, reset, err := st.takeOps()
		if err == nil {
			err = <-s.durable.enqueue(ops, reset)
		}
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("mockhub: writing state %s: %w", opts.StatePath, err)
		}
	}
	s.routes()
	return s, nil
}

// Close writes what is pending to the state database and closes it. A
// Server without -state has nothing to close. It is safe to call twice.
func (s *Server) Close() error {
	if s.durable == nil {
		return nil
	}
	return s.durable.close()
}

// applyStartToken enables SCIM on the connection Info describes with
// Options.SCIMToken; when SCIM is already enabled the token is added.
func (s *Server) applyStartToken(st *store) error {
	if s.opts.SCIMToken == "" {
		return nil
	}
	c := st.infoConnection()
	if c == nil {
		return errors.New("mockhub: -scim-token needs an SSO connection, and the seed has none")
	}
	st.enableSCIM(c, s.opts.SCIMToken)
	c.knownTokens = append(c.knownTokens, s.opts.SCIMToken)
	return nil
}

// orgConnection is the first connection on an org.
func (s *store) orgConnection() *connection {
	for _, c := range s.connOrder {
		if c.Org != "" {
			return c
		}
	}
	return nil
}

// infoConnection is the connection Info describes and -scim-token enables:
// the first on an org, else the first (a company's), else nil.
func (s *store) infoConnection() *connection {
	if c := s.orgConnection(); c != nil {
		return c
	}
	if len(s.connOrder) > 0 {
		return s.connOrder[0]
	}
	return nil
}

// Info describes the server as reached at hubURL (for example
// "http://127.0.0.1:8080"): cmd/mockhub prints it as its startup line. It
// describes the connection infoConnection picks, its (default) org and
// company, an owner of them with a password, and the SCIM base URL and
// token when SCIM is enabled on it. A seed without connections still gets
// its first org and an owner.
func (s *Server) Info(hubURL string) Info {
	hubURL = strings.TrimRight(hubURL, "/")
	st := s.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	info := Info{HubURL: hubURL, ConsoleURL: hubURL + "/", Dialect: s.dialect.name}
	c := st.infoConnection()
	switch {
	case c != nil:
		info.SSOConnectionID = c.ID
		info.OrgName = st.defaultOrg(c)
		info.CompanyName = c.Company
	case len(s.seed.Orgs) > 0:
		info.OrgName = strings.ToLower(s.seed.Orgs[0].Name)
	}
	if og := st.orgs[info.OrgName]; og != nil && og.Company != "" {
		info.CompanyName = og.Company
	}
	// The account shown is an owner with a password: seed order first.
	var candidates []string
	if co := st.companies[info.CompanyName]; co != nil {
		candidates = append(candidates, co.Owners...)
	}
	if og := st.orgs[info.OrgName]; og != nil {
		for _, u := range sortedKeys(og.members) {
			if og.members[u].Role == "owner" {
				candidates = append(candidates, u)
			}
		}
	}
	for _, sa := range s.seed.Accounts {
		if slices.Contains(candidates, strings.ToLower(sa.Username)) && sa.Password != "" {
			info.Username, info.Password = strings.ToLower(sa.Username), sa.Password
			break
		}
	}
	if info.Username == "" {
		for _, u := range candidates {
			if a := st.accounts[u]; a != nil && a.Password != "" {
				info.Username, info.Password = a.Username, a.Password
				break
			}
		}
	}
	if c != nil && c.SCIMEnabled {
		info.SCIMBaseURL = hubURL + SCIMBasePath
		if n := len(c.knownTokens); n > 0 {
			info.SCIMToken = c.knownTokens[n-1]
		}
	}
	return info
}

// persist queues what the request r changed for the state database; the
// caller holds the write lock, so changes queue in the order they were
// made. r's answer is held until they are on disk (see commitWait).
func (s *Server) persist(r *http.Request) {
	if s.durable == nil {
		return
	}
	ops, reset, err := s.st.takeOps()
	if err != nil {
		s.log.Error("state not saved", "path", s.opts.StatePath, "err", err)
		return
	}
	if ops == nil {
		return
	}
	ch := s.durable.enqueue(ops, reset)
	if cw, ok := r.Context().Value(commitKey{}).(*commitWait); ok {
		cw.pending = append(cw.pending, ch)
	}
}

// commitKey carries a request's *commitWait in its context.
type commitKey struct{}

// commitWait holds the commits a request's answer waits for.
type commitWait struct {
	pending []<-chan error
}

// wait blocks until the request's changes are durable and returns the first
// failure.
func (cw *commitWait) wait() error {
	var first error
	for _, ch := range cw.pending {
		if err := <-ch; err != nil && first == nil {
			first = err
		}
	}
	cw.pending = nil
	return first
}

// reset restores the seed (and Options.SCIMToken), clears faults and stats.
func (s *Server) reset(r *http.Request) error {
	fresh := storeFromSeed(s.seed, s.now)
	if err := s.applyStartToken(fresh); err != nil {
		return err
	}
	s.st.mu.Lock()
	s.st.world = fresh.world
	s.st.dirtyAll()
	s.persist(r)
	s.st.mu.Unlock()
	s.faults.set(Faults{})
	s.stats.reset()
	s.reqlog.clear()
	s.stale.clear()
	return nil
}

// --- request plumbing ---------------------------------------------------------

// statusWriter records the status for logging and whether the header went out.
// Before the header goes out it waits for the request's changes to be
// durable; when they could not be saved the answer becomes a 500.
type statusWriter struct {
	http.ResponseWriter
	status  int
	wrote   bool
	body    capBuf // the start of the answer, for the request log
	commit  *commitWait
	scim    bool
	swallow bool // the handler's answer was replaced by a 500
}

// durable waits for the commit; false means a 500 was written instead.
func (w *statusWriter) durable() bool {
	if w.commit == nil || len(w.commit.pending) == 0 {
		return true
	}
	err := w.commit.wait()
	if err == nil {
		return true
	}
	h := w.Header()
	for k := range h {
		delete(h, k)
	}
	w.status, w.wrote, w.swallow = http.StatusInternalServerError, true, true
	msg := "the change was applied in memory but could not be saved to the state file: " + err.Error()
	if w.scim {
		writeSCIMError(w.ResponseWriter, http.StatusInternalServerError, "", msg)
	} else {
		writeHubError(w.ResponseWriter, http.StatusInternalServerError, msg)
	}
	return false
}

func (w *statusWriter) WriteHeader(code int) {
	if w.swallow {
		return
	}
	if !w.wrote {
		if !w.durable() {
			return
		}
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	if !w.wrote {
		if !w.durable() {
			return len(b), nil
		}
		w.status, w.wrote = http.StatusOK, true
	}
	_, _ = w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// discardWriter swallows a response whose connection is about to be dropped.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

func isSCIMPath(p string) bool { return p == SCIMBasePath || strings.HasPrefix(p, SCIMBasePath+"/") }

func mutating(m string) bool {
	return m == http.MethodPost || m == http.MethodPut || m == http.MethodPatch || m == http.MethodDelete
}

// ServeHTTP serves the SCIM API, the management API and /_mock/. It
// recovers from panics, holds answers until their changes are durable, and
// hands API requests to the route's handler wrapped in the request log and
// the injected faults (logRequests, injectFaults): each a seam of its own.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scim := isSCIMPath(r.URL.Path)
	sw := &statusWriter{ResponseWriter: w, scim: scim}
	if s.durable != nil {
		sw.commit = &commitWait{}
		r = r.WithContext(context.WithValue(r.Context(), commitKey{}, sw.commit))
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // a recovered panic value, compared by identity as net/http does
				panic(v)
			}
			s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !sw.wrote {
				s.fail(sw, r, http.StatusInternalServerError, "", "internal error: the simulator failed to handle this request", scim)
			}
		}
	}()
	// /_mock/ and the console at / are not API requests: not counted, not
	// logged, not faulted.
	if r.URL.Path == "/" || r.URL.Path == "/_mock" || strings.HasPrefix(r.URL.Path, "/_mock/") {
		s.mock.ServeHTTP(sw, r)
		return
	}
	h, pattern := s.route(r)
	s.stats.record(r.Method, pattern)
	s.logRequests(pattern, s.injectFaults(pattern, h)).ServeHTTP(sw, r)
}

// route finds r's handler and its route name (the pattern /_mock/stats
// counts by); notFound and "METHOD (unmatched)" when no route matches.
func (s *Server) route(r *http.Request) (http.Handler, string) {
	// mux.Handler finds the route name; mux.ServeHTTP (not the returned
	// handler) sets the path values.
	if _, pattern := s.mux.Handler(r); pattern != "" {
		return s.mux, pattern
	}
	return http.HandlerFunc(s.notFound), r.Method + " (unmatched)"
}

// logRequests wraps h: each request to route goes to the log and to the
// request log, its bodies redacted. The writer is ServeHTTP's statusWriter.
func (s *Server) logRequests(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := w.(*statusWriter) //nolint:forcetypeassert // only ServeHTTP calls it
		start := time.Now()
		reqBody := &capBuf{}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(r.Body, reqBody), r.Body}
		}
		defer func() {
			d := time.Since(start)
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", sw.status, "duration", d)
			s.reqlog.add(loggedRequest{
				Time: start.UTC(), Method: r.Method, Path: r.URL.Path, Query: redactQuery(r.URL.RawQuery), Route: route,
				Status: sw.status, LatencyMS: float64(d.Microseconds()) / 1000,
				RequestBody: redactBody(reqBody), ResponseBody: redactBody(&sw.body),
			})
		}()
		h.ServeHTTP(w, r)
	})
}

// injectFaults wraps h with the faults set for route: latency, hangs,
// failures, throttling, dropped answers and delayed visibility. The writer
// is ServeHTTP's statusWriter.
func (s *Server) injectFaults(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := w.(*statusWriter) //nolint:forcetypeassert // only ServeHTTP calls it
		t := s.faults.next(route, mutating(r.Method))
		if !t.applies {
			h.ServeHTTP(w, r)
			return
		}
		f := t.faults
		if f.LatencyMS > 0 {
			timer := time.NewTimer(time.Duration(f.LatencyMS) * time.Millisecond)
			select {
			case <-timer.C:
			case <-r.Context().Done():
				timer.Stop()
				return
			}
		}
		if f.HangEvery > 0 && t.n%f.HangEvery == 0 {
			// The request is accepted and never answered: the client's
			// timeout ends it, or hang_ms, or the next PUT or DELETE of the
			// faults.
			d := time.Duration(f.HangMS) * time.Millisecond
			if d <= 0 {
				d = maxHang
			}
			timer := time.NewTimer(d)
			defer timer.Stop()
			select {
			case <-timer.C:
			case <-r.Context().Done():
			case <-t.release:
			}
			sw.status = 0
			panic(http.ErrAbortHandler)
		}
		if f.FailEvery > 0 && t.n%f.FailEvery == 0 {
			status := f.FailStatus
			if status == 0 {
				status = http.StatusServiceUnavailable
			}
			s.fail(w, r, status, "", fmt.Sprintf("injected fault: %d %s (fail_every)", status, http.StatusText(status)), sw.scim)
			return
		}
		if f.ThrottleEvery > 0 && t.n%f.ThrottleEvery == 0 {
			ra := f.RetryAfterSeconds
			if ra <= 0 {
				ra = 1
			}
			w.Header().Set("Retry-After", strconv.Itoa(ra))
			w.Header().Set("X-Retry-After", strconv.FormatInt(s.now().Add(time.Duration(ra)*time.Second).Unix(), 10))
			s.fail(w, r, http.StatusTooManyRequests, "", "injected fault: too many requests (throttle_every)", sw.scim)
			return
		}
		if f.VisibilityDelayMS > 0 && mutating(r.Method) {
			r = withVisibilityDelay(r, time.Duration(f.VisibilityDelayMS)*time.Millisecond)
		}
		if f.DropEvery > 0 && t.mutating > 0 && t.mutating%f.DropEvery == 0 {
			// The change happens; the client never hears about it.
			h.ServeHTTP(&discardWriter{h: http.Header{}}, r)
			sw.status = 0
			if conn, _, err := http.NewResponseController(sw.ResponseWriter).Hijack(); err == nil {
				conn.Close()
				return
			}
			panic(http.ErrAbortHandler)
		}
		h.ServeHTTP(w, r)
	})
}

// notFound answers a path no route matches: 405 when another method would
// match, else 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	scim := isSCIMPath(r.URL.Path)
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := s.mux.Handler(r2); p != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.fail(w, r, http.StatusMethodNotAllowed, "", fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path), scim)
		return
	}
	s.fail(w, r, http.StatusNotFound, "", fmt.Sprintf("no such endpoint: %s %s", r.Method, r.URL.Path), scim)
}

// fail writes an error in the caller's API family: a SCIM error under
// /v2/scim/2.0, Hub's {"message","errinfo"} elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, scimType, detail string, scim bool) {
	if scim {
		writeSCIMError(w, status, scimType, detail)
		return
	}
	writeHubError(w, status, detail)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"message":"internal error: response not encodable"}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n')) // the client is gone if this fails; nothing to do
}

func writeHubError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, "application/json", map[string]any{"message": msg, "errinfo": map[string]any{}})
}

// readBody reads at most maxBody bytes; a larger body is 413.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes", maxBody)
		}
		return nil, http.StatusBadRequest, "reading request body: " + err.Error()
	}
	return b, 0, ""
}

// --- stats ----------------------------------------------------------------------

type stats struct {
	mu       sync.Mutex
	total    int64
	byMethod map[string]int64
	byRoute  map[string]int64
}

func (st *stats) reset() {
	st.mu.Lock()
	st.total, st.byMethod, st.byRoute = 0, map[string]int64{}, map[string]int64{}
	st.mu.Unlock()
}

func (st *stats) record(method, route string) {
	st.mu.Lock()
	st.total++
	st.byMethod[method]++
	st.byRoute[route]++
	st.mu.Unlock()
}

func (st *stats) json() map[string]any {
	st.mu.Lock()
	defer st.mu.Unlock()
	return map[string]any{"requests_total": st.total, "by_method": maps(st.byMethod), "by_route": maps(st.byRoute)}
}

func maps(m map[string]int64) map[string]int64 {
	c := make(map[string]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// --- faults -------------------------------------------------------------------

// Faults are the injected faults, as PUT and GET /_mock/faults carry them.
// Counting starts again at every PUT. With Routes set, only requests to
// those route templates (as /_mock/stats names them) are counted and
// faulted.
type Faults struct {
	LatencyMS         int   `json:"latency_ms"`
	FailEvery         int64 `json:"fail_every"`
	FailStatus        int   `json:"fail_status,omitempty"`
	ThrottleEvery     int64 `json:"throttle_every"`
	RetryAfterSeconds int   `json:"retry_after_seconds"`
	DropEvery         int64 `json:"drop_every"`
	HangEvery         int64 `json:"hang_every,omitempty"`
	HangMS            int   `json:"hang_ms,omitempty"`
	// VisibilityDelayMS: a SCIM write is applied and answered at once, but
	// reads show the resource as it was for this long (see visibility.go).
	VisibilityDelayMS int      `json:"visibility_delay_ms,omitempty"`
	Routes            []string `json:"routes,omitempty"`
}

// maxHang bounds a hang without hang_ms, so that a forgotten fault cannot
// hold a connection for ever.
const maxHang = 10 * time.Minute

// failStatuses are the statuses fail_every may answer.
var failStatuses = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}

type faultState struct {
	mu     sync.RWMutex
	f      Faults
	routes map[string]bool
	api    atomic.Int64 // API requests since the faults were set
	mutate atomic.Int64 // mutating API requests since the faults were set
	// release is closed when the faults change, ending the hangs.
	release chan struct{}
	// gen counts the sets, for the console.
	gen uint64
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	fs.f = f
	fs.routes = nil
	if len(f.Routes) > 0 {
		fs.routes = map[string]bool{}
		for _, r := range f.Routes {
			fs.routes[r] = true
		}
	}
	fs.api.Store(0)
	fs.mutate.Store(0)
	if fs.release != nil {
		close(fs.release)
	}
	fs.release = make(chan struct{})
	fs.gen++
	fs.mu.Unlock()
}

func (fs *faultState) get() Faults {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	return fs.f
}

// getGen returns the faults and how many times they were set.
func (fs *faultState) getGen() (Faults, uint64) {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	return fs.f, fs.gen
}

// faultTicket is what the faults say about one API request.
type faultTicket struct {
	faults  Faults
	applies bool // the request's route is faulted
	// n is the request's ordinal among the API requests the faults apply
	// to, mutating its ordinal among the mutating ones (0 for a read).
	n, mutating int64
	// release is closed when the faults change, ending hangs.
	release <-chan struct{}
}

// next counts a request to route and returns its ticket.
func (fs *faultState) next(route string, mut bool) faultTicket {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	if fs.routes != nil && !fs.routes[route] {
		return faultTicket{faults: fs.f}
	}
	t := faultTicket{faults: fs.f, applies: true, n: fs.api.Add(1), release: fs.release}
	if mut {
		t.mutating = fs.mutate.Add(1)
	}
	return t
}

package mockhub

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The console: a page at / that shows one org as provisioning left it
// (members, teams, SCIM users and groups, SSO connections), the latest
// requests from the request log, and the injected faults with a form to set
// them. It is served like /_mock/: no auth, not counted, not logged, never
// faulted. It shows no secret: the view below has no field that could hold
// a password or a token, and request bodies come from the request log,
// which redacts them before they are stored.
//
//	GET  /                              the page (?org= picks the org)
//	GET  /_mock/console/live            the page's live part as an HTML fragment; 204 when ?since= is current
//	POST /_mock/console/faults          the fault form (urlencoded): set, or clear with action=clear
//	GET  /_mock/console/static/{file}   console.css, console.js

//go:embed console
var consoleFiles embed.FS

var consoleTmpl = template.Must(template.New("console").Funcs(template.FuncMap{
	"join":   strings.Join,
	"has":    slices.Contains[[]string],
	"pretty": prettyBody,
}).ParseFS(consoleFiles, "console/*.html"))

// prettyBody indents a JSON body for reading; any other text is kept.
func prettyBody(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return b.String()
}

// consoleRequests is how many of the latest requests the console shows.
const consoleRequests = 50

type consoleView struct {
	Org, Company string
	Orgs         []string
	Version      string
	Dialect      Dialect // the reading of Docker's contract served

	Members     []consoleMember
	Teams       []consoleTeam
	Users       []consoleUser
	Active      int
	Inactive    int
	Groups      []consoleGroup
	Connections []consoleConn

	Requests      []consoleRequest
	RequestsTotal int

	Faults       Faults
	FaultSummary []string
	Routes       []string
	FailStatuses []int
}

type consoleMember struct {
	Username, FullName, Email, Role string
	Teams                           []string
	SCIM                            bool // linked to a SCIM user
}

type consoleTeam struct {
	Name, Description string
	Members           []string
}

type consoleUser struct {
	UserName, DisplayName, Account, Role, Team, Connection string
	Active                                                 bool
}

type consoleGroup struct {
	DisplayName, Team, Connection string
	Members                       []string
}

type consoleConn struct {
	Name, Type, ID, Scope string
	Domains               []string
	SCIM                  bool
	Users, Groups         int
}

type consoleRequest struct {
	Key, Time, Method, Path, Query, Route, Class string
	Status                                       int
	LatencyMS                                    float64
	RequestBody, ResponseBody                    string
}

// consoleVersion changes whenever what the console shows may have: every
// API request is logged once it is answered, and every fault change counts.
func (s *Server) consoleVersion() string {
	_, gen := s.faults.getGen()
	return fmt.Sprintf("%d.%d", s.reqlog.version(), gen)
}

// consoleOrg is the org asked for, else the org the start line names, else
// the first; "" when there is no org at all.
func (s *Server) consoleOrg(r *http.Request) (string, bool) {
	st := s.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	if q := strings.ToLower(r.URL.Query().Get("org")); q != "" {
		_, ok := st.orgs[q]
		return q, ok
	}
	if c := st.infoConnection(); c != nil {
		if o := st.defaultOrg(c); o != "" {
			return o, true
		}
	}
	if len(st.orgOrder) > 0 {
		return st.orgOrder[0], true
	}
	return "", true
}

// consoleView reads the world for org.
func (s *Server) consoleView(orgName string) *consoleView {
	v := &consoleView{Org: orgName, Version: s.consoleVersion(), Dialect: s.dialect.name, Routes: s.routeNames, FailStatuses: failStatuses}
	st := s.st
	st.mu.RLock()
	v.Orgs = slices.Clone(st.orgOrder)
	if og := st.orgs[orgName]; og != nil {
		v.Company = og.Company
		teamsOf := map[string][]string{}
		for _, k := range sortedKeys(og.teams) {
			t := og.teams[k]
			ct := consoleTeam{Name: t.Name, Description: t.Description, Members: sortedKeys(t.members)}
			for _, m := range ct.Members {
				teamsOf[m] = append(teamsOf[m], t.Name)
			}
			v.Teams = append(v.Teams, ct)
		}
		for _, u := range sortedKeys(og.members) {
			m := consoleMember{Username: u, Role: og.members[u].Role, Teams: teamsOf[u], SCIM: len(st.links[u]) > 0}
			if a := st.accounts[u]; a != nil {
				m.FullName, m.Email = a.FullName, a.Email
			}
			v.Members = append(v.Members, m)
		}
		for _, c := range st.connOrder {
			if !st.inScope(c, orgName) {
				continue
			}
			cc := consoleConn{Name: c.Name, Type: c.Type, ID: c.ID, Domains: c.Domains, SCIM: c.SCIMEnabled, Users: len(c.users), Groups: len(c.groups)}
			if c.Org != "" {
				cc.Scope = "org " + c.Org
			} else {
				cc.Scope = "company " + c.Company
			}
			v.Connections = append(v.Connections, cc)
			inGroup := map[string]bool{}
			for _, g := range c.groupOrder {
				if g.Org != orgName {
					continue
				}
				cg := consoleGroup{DisplayName: g.DisplayName, Team: g.Team, Connection: c.Name}
				for _, id := range g.Members {
					if u := c.users[id]; u != nil {
						inGroup[id] = true
						name := u.UserName
						if !u.Active {
							name += " (inactive)"
						}
						cg.Members = append(cg.Members, name)
					}
				}
				v.Groups = append(v.Groups, cg)
			}
			for _, u := range c.userOrder {
				o := u.Org
				if o == "" {
					o = st.defaultOrg(c)
				}
				if o != orgName && !inGroup[u.ID] {
					continue
				}
				role := u.Role
				if role == "" {
					role = "member"
				}
				v.Users = append(v.Users, consoleUser{UserName: u.UserName, DisplayName: u.DisplayName, Account: u.Account,
					Role: role, Team: u.Team, Connection: c.Name, Active: u.Active})
				if u.Active {
					v.Active++
				} else {
					v.Inactive++
				}
			}
		}
	}
	st.mu.RUnlock()

	log := s.reqlog.list()
	v.RequestsTotal = len(log)
	for i := len(log) - 1; i >= 0 && len(v.Requests) < consoleRequests; i-- {
		e := log[i]
		cls := "ok"
		switch {
		case e.Status == 0:
			cls = "none"
		case e.Status >= 500:
			cls = "server"
		case e.Status >= 400:
			cls = "client"
		}
		v.Requests = append(v.Requests, consoleRequest{
			Key: "req-" + strconv.FormatUint(e.seq, 10), Time: e.Time.Format("15:04:05.000"),
			Method: e.Method, Path: e.Path, Query: e.Query, Route: strings.TrimPrefix(e.Route, e.Method+" "), Class: cls,
			Status: e.Status, LatencyMS: e.LatencyMS, RequestBody: e.RequestBody, ResponseBody: e.ResponseBody,
		})
	}

	v.Faults = s.faults.get()
	v.FaultSummary = faultSummary(v.Faults)
	return v
}

// faultSummary says in words which faults are on; nil when none.
func faultSummary(f Faults) []string {
	var out []string
	if f.LatencyMS > 0 {
		out = append(out, fmt.Sprintf("every request delayed %d ms", f.LatencyMS))
	}
	if f.FailEvery > 0 {
		st := f.FailStatus
		if st == 0 {
			st = http.StatusServiceUnavailable
		}
		out = append(out, fmt.Sprintf("every %s request answers %d %s", ordinal(f.FailEvery), st, http.StatusText(st)))
	}
	if f.ThrottleEvery > 0 {
		ra := f.RetryAfterSeconds
		if ra <= 0 {
			ra = 1
		}
		out = append(out, fmt.Sprintf("every %s request answers 429, Retry-After %ds", ordinal(f.ThrottleEvery), ra))
	}
	if f.DropEvery > 0 {
		out = append(out, fmt.Sprintf("every %s change is applied and its connection dropped", ordinal(f.DropEvery)))
	}
	if f.HangEvery > 0 {
		h := "until the client gives up"
		if f.HangMS > 0 {
			h = fmt.Sprintf("for %d ms", f.HangMS)
		}
		out = append(out, fmt.Sprintf("every %s request hangs %s", ordinal(f.HangEvery), h))
	}
	if f.VisibilityDelayMS > 0 {
		out = append(out, fmt.Sprintf("every SCIM change shows in reads only after %d ms", f.VisibilityDelayMS))
	}
	if len(out) > 0 && len(f.Routes) > 0 {
		out = append(out, "only on "+strings.Join(f.Routes, ", "))
	}
	return out
}

func ordinal(n int64) string {
	if n == 1 {
		return ""
	}
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.FormatInt(n, 10) + suffix
}

// consoleHeaders are sent with every console answer: nothing is loaded from
// elsewhere, and no script but console.js runs.
func consoleHeaders(w http.ResponseWriter, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
}

func (s *Server) consoleRender(w http.ResponseWriter, name string, v *consoleView) {
	var b bytes.Buffer
	if err := consoleTmpl.ExecuteTemplate(&b, name, v); err != nil {
		s.log.Error("console template", "err", err)
		http.Error(w, "console: "+err.Error(), http.StatusInternalServerError)
		return
	}
	consoleHeaders(w, "text/html; charset=utf-8")
	w.Header().Set("X-Console-Version", v.Version)
	_, _ = b.WriteTo(w)
}

func (s *Server) consolePage(w http.ResponseWriter, r *http.Request) {
	o, ok := s.consoleOrg(r)
	if !ok {
		http.Error(w, fmt.Sprintf("console: no org %q", r.URL.Query().Get("org")), http.StatusNotFound)
		return
	}
	s.consoleRender(w, "page", s.consoleView(o))
}

func (s *Server) consoleLive(w http.ResponseWriter, r *http.Request) {
	o, ok := s.consoleOrg(r)
	if !ok {
		http.Error(w, fmt.Sprintf("console: no org %q", r.URL.Query().Get("org")), http.StatusNotFound)
		return
	}
	if since := r.URL.Query().Get("since"); since != "" && since == s.consoleVersion() {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.consoleRender(w, "live", s.consoleView(o))
}

// consoleFaults takes the fault form. A browser may post a form to any
// site, so a post from another origin is refused: no web page can set
// faults on a mockhub on your machine.
func (s *Server) consoleFaults(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "console: cross-origin form refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "console: "+err.Error(), http.StatusBadRequest)
		return
	}
	var f Faults
	if r.PostForm.Get("action") != "clear" {
		var err error
		if f, err = faultsFromForm(r.PostForm); err == nil {
			err = s.checkFaults(f)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	s.faults.set(f)
	s.log.Info("faults set from the console", "faults", f)
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, http.StatusOK, "application/json", f)
		return
	}
	http.Redirect(w, r, "/?org="+url.QueryEscape(r.PostForm.Get("org")), http.StatusSeeOther)
}

// sameOrigin reports whether r comes from a page of this server (or from
// no page at all, as curl posts).
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func faultsFromForm(form url.Values) (Faults, error) {
	var f Faults
	num := func(name string) (int64, error) {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("faults: %s: %q is not a whole number", name, v)
		}
		return n, nil
	}
	for _, x := range []struct {
		name string
		set  func(int64)
	}{
		{"latency_ms", func(n int64) { f.LatencyMS = int(n) }},
		{"fail_every", func(n int64) { f.FailEvery = n }},
		{"fail_status", func(n int64) { f.FailStatus = int(n) }},
		{"throttle_every", func(n int64) { f.ThrottleEvery = n }},
		{"retry_after_seconds", func(n int64) { f.RetryAfterSeconds = int(n) }},
		{"drop_every", func(n int64) { f.DropEvery = n }},
		{"hang_every", func(n int64) { f.HangEvery = n }},
		{"hang_ms", func(n int64) { f.HangMS = int(n) }},
		{"visibility_delay_ms", func(n int64) { f.VisibilityDelayMS = int(n) }},
	} {
		n, err := num(x.name)
		if err != nil {
			return Faults{}, err
		}
		x.set(n)
	}
	for _, rt := range form["routes"] {
		if rt = strings.TrimSpace(rt); rt != "" {
			f.Routes = append(f.Routes, rt)
		}
	}
	return f, nil
}

var consoleStatic = func() http.Handler {
	sub, err := fs.Sub(consoleFiles, "console/static")
	if err != nil {
		panic(err)
	}
	return http.StripPrefix("/_mock/console/static/", http.FileServerFS(sub))
}()

func (s *Server) consoleStaticFile(w http.ResponseWriter, r *http.Request) {
	consoleHeaders(w, "")
	w.Header().Del("Content-Type") // the file server sets it from the name
	w.Header().Set("Cache-Control", "no-cache")
	consoleStatic.ServeHTTP(w, r)
}

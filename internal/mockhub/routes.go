package mockhub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// routes registers every endpoint. The patterns double as the route names
// /_mock/stats counts by, and lists under "routes".
func (s *Server) routes() {
	m := &namedMux{ServeMux: http.NewServeMux()}
	b := SCIMBasePath

	// SCIM 2.0.
	m.HandleFunc("GET "+b+"/ServiceProviderConfig", s.scimServiceProviderConfig)
	m.HandleFunc("GET "+b+"/Schemas", s.scimSchemas)
	m.HandleFunc("GET "+b+"/Schemas/{id}", s.scimSchema)
	m.HandleFunc("GET "+b+"/ResourceTypes", s.scimResourceTypes)
	m.HandleFunc("GET "+b+"/ResourceTypes/{name}", s.scimResourceType)
	m.HandleFunc("GET "+b+"/Users", listHandler(s, userKind))
	m.HandleFunc("POST "+b+"/Users", createHandler(s, userKind))
	m.HandleFunc("GET "+b+"/Users/{id}", getHandler(s, userKind))
	m.HandleFunc("PUT "+b+"/Users/{id}", s.dialect.putUser(s))
	// The published dialect has none of these: a request for them meets
	// notFound, which answers 405 (with Allow) on /Users/{id} and 404
	// elsewhere, in SCIM's error shape, as a server without them would.
	if s.dialect.search {
		m.HandleFunc("POST "+b+"/Users/.search", searchHandler(s, userKind))
	}
	if s.dialect.scimWrites {
		m.HandleFunc("PATCH "+b+"/Users/{id}", patchHandler(s, userKind))
		m.HandleFunc("DELETE "+b+"/Users/{id}", deleteHandler(s, userKind))
		m.HandleFunc("GET "+b+"/Groups", listHandler(s, groupKind))
		m.HandleFunc("POST "+b+"/Groups/.search", searchHandler(s, groupKind))
		m.HandleFunc("POST "+b+"/Groups", createHandler(s, groupKind))
		m.HandleFunc("GET "+b+"/Groups/{id}", getHandler(s, groupKind))
		m.HandleFunc("PUT "+b+"/Groups/{id}", replaceHandler(s, groupKind))
		m.HandleFunc("PATCH "+b+"/Groups/{id}", patchHandler(s, groupKind))
		m.HandleFunc("DELETE "+b+"/Groups/{id}", deleteHandler(s, groupKind))
	}
	if s.dialect.meAndBulk {
		m.HandleFunc(b+"/Me", s.scimNotImplemented)
		m.HandleFunc(b+"/Bulk", s.scimNotImplemented)
	}

	// Management API: every route but sign-in is for a signed-in principal.
	m.HandleFunc("POST /v2/auth/token", s.hubAuthToken)
	m.HandleFunc("POST /v2/users/login", s.hubLogin)
	m.HandleFunc("GET /v2/orgs/{org}/members", s.signedIn(s.hubListMembers))
	m.HandleFunc("GET /v2/orgs/{org}/members/export", s.signedIn(s.hubExportMembers))
	m.HandleFunc("PUT /v2/orgs/{org}/members/{username}", s.signedIn(s.hubUpdateMember))
	m.HandleFunc("DELETE /v2/orgs/{org}/members/{username}", s.signedIn(s.hubRemoveMember))
	m.HandleFunc("GET /v2/orgs/{org}/groups", s.signedIn(s.hubListTeams))
	m.HandleFunc("POST /v2/orgs/{org}/groups", s.signedIn(s.hubCreateTeam))
	m.HandleFunc("GET /v2/orgs/{org}/groups/{team}", s.signedIn(s.hubGetTeam))
	m.HandleFunc("PUT /v2/orgs/{org}/groups/{team}", s.signedIn(s.hubReplaceTeam))
	m.HandleFunc("PATCH /v2/orgs/{org}/groups/{team}", s.signedIn(s.hubUpdateTeam))
	m.HandleFunc("DELETE /v2/orgs/{org}/groups/{team}", s.signedIn(s.hubDeleteTeam))
	m.HandleFunc("GET /v2/orgs/{org}/groups/{team}/members", s.signedIn(s.hubListTeamMembers))
	m.HandleFunc("POST /v2/orgs/{org}/groups/{team}/members", s.signedIn(s.hubAddTeamMember))
	m.HandleFunc("DELETE /v2/orgs/{org}/groups/{team}/members/{username}", s.signedIn(s.hubRemoveTeamMember))
	m.HandleFunc("GET /v2/orgs/{org}/invites", s.signedIn(s.hubListInvites))
	m.HandleFunc("POST /v2/invites/bulk", s.signedIn(s.hubBulkInvite))
	m.HandleFunc("PATCH /v2/invites/{id}/resend", s.signedIn(s.hubResendInvite))
	m.HandleFunc("DELETE /v2/invites/{id}", s.signedIn(s.hubCancelInvite))
	m.HandleFunc("GET /v2/orgs/{org}/access-tokens", s.signedIn(s.hubListOATs))
	m.HandleFunc("POST /v2/orgs/{org}/access-tokens", s.signedIn(s.hubCreateOAT))
	m.HandleFunc("GET /v2/orgs/{org}/access-tokens/{id}", s.signedIn(s.hubGetOAT))
	m.HandleFunc("PATCH /v2/orgs/{org}/access-tokens/{id}", s.signedIn(s.hubUpdateOAT))
	m.HandleFunc("DELETE /v2/orgs/{org}/access-tokens/{id}", s.signedIn(s.hubDeleteOAT))
	for _, scope := range []string{"/v2/orgs/{org}", "/v2/companies/{company}"} {
		m.HandleFunc("GET "+scope+"/sso/connections", s.signedIn(s.hubListConnections))
		m.HandleFunc("GET "+scope+"/sso/connections/{id}", s.signedIn(s.hubGetConnection))
		m.HandleFunc("GET "+scope+"/sso/connections/{id}/scim", s.signedIn(s.hubGetSCIM))
		m.HandleFunc("POST "+scope+"/sso/connections/{id}/scim", s.signedIn(s.hubEnableSCIM))
		m.HandleFunc("POST "+scope+"/sso/connections/{id}/scim/token", s.signedIn(s.hubRotateSCIM))
		m.HandleFunc("DELETE "+scope+"/sso/connections/{id}/scim", s.signedIn(s.hubDisableSCIM))
	}
	s.mux, s.routeNames = m.ServeMux, m.names

	mock := http.NewServeMux()
	mock.HandleFunc("GET /_mock/stats", s.mockStats)
	mock.HandleFunc("DELETE /_mock/stats", s.mockDeleteStats)
	mock.HandleFunc("GET /_mock/requests", s.mockRequests)
	mock.HandleFunc("DELETE /_mock/requests", s.mockDeleteRequests)
	mock.HandleFunc("GET /_mock/faults", s.mockGetFaults)
	mock.HandleFunc("PUT /_mock/faults", s.mockPutFaults)
	mock.HandleFunc("DELETE /_mock/faults", s.mockDeleteFaults)
	mock.HandleFunc("POST /_mock/reset", s.mockReset)
	mock.HandleFunc("GET /{$}", s.consolePage)
	mock.HandleFunc("GET /_mock/console/live", s.consoleLive)
	mock.HandleFunc("POST /_mock/console/faults", s.consoleFaults)
	mock.HandleFunc("GET /_mock/console/static/", s.consoleStaticFile)
	mock.HandleFunc("/_mock/", func(w http.ResponseWriter, r *http.Request) {
		writeHubError(w, http.StatusNotFound, "no such /_mock endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.mock = mock
}

// namedMux is a ServeMux that remembers the patterns registered on it.
type namedMux struct {
	*http.ServeMux
	names []string
}

func (m *namedMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.ServeMux.HandleFunc(pattern, h)
	m.names = append(m.names, pattern)
}

func (s *Server) mockStats(w http.ResponseWriter, r *http.Request) {
	out := s.stats.json()
	out["routes"] = s.routeNames
	writeJSON(w, http.StatusOK, "application/json", out)
}

// mockDeleteStats clears the request counts and nothing else.
func (s *Server) mockDeleteStats(w http.ResponseWriter, r *http.Request) {
	s.stats.reset()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) mockRequests(w http.ResponseWriter, r *http.Request) {
	l := s.reqlog.list()
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"count": len(l), "requests": l})
}

func (s *Server) mockDeleteRequests(w http.ResponseWriter, r *http.Request) {
	s.reqlog.clear()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) mockGetFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, "application/json", s.faults.get())
}

func (s *Server) mockPutFaults(w http.ResponseWriter, r *http.Request) {
	b, status, msg := readBody(w, r)
	if status != 0 {
		writeHubError(w, status, msg)
		return
	}
	var f Faults
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		writeHubError(w, http.StatusBadRequest, "faults: "+err.Error()+" (fields: latency_ms, fail_every, fail_status, throttle_every, retry_after_seconds, drop_every, hang_every, hang_ms, visibility_delay_ms, routes)")
		return
	}
	if err := s.checkFaults(f); err != nil {
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.faults.set(f)
	s.log.Info("faults set", "faults", f)
	writeJSON(w, http.StatusOK, "application/json", f)
}

// checkFaults reports what is wrong with f, for PUT /_mock/faults and the
// console's form.
func (s *Server) checkFaults(f Faults) error {
	if f.LatencyMS < 0 || f.FailEvery < 0 || f.ThrottleEvery < 0 || f.RetryAfterSeconds < 0 || f.DropEvery < 0 || f.HangEvery < 0 || f.HangMS < 0 || f.VisibilityDelayMS < 0 {
		return errors.New("faults: values must not be negative")
	}
	if f.FailStatus != 0 && !slices.Contains(failStatuses, f.FailStatus) {
		return fmt.Errorf("faults: fail_status %d is not one of %v", f.FailStatus, failStatuses)
	}
	for _, rt := range f.Routes {
		if !slices.Contains(s.routeNames, rt) {
			return fmt.Errorf("faults: route %q is not a route template of GET /_mock/stats's routes", rt)
		}
	}
	return nil
}

func (s *Server) mockDeleteFaults(w http.ResponseWriter, r *http.Request) {
	s.faults.set(Faults{})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) mockReset(w http.ResponseWriter, r *http.Request) {
	if err := s.reset(r); err != nil {
		writeHubError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.log.Info("reset to seed")
	w.WriteHeader(http.StatusNoContent)
}

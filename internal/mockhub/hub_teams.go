package mockhub

// The published team (group) edits: POST /v2/orgs/{org}/groups, PUT, PATCH
// and DELETE /v2/orgs/{org}/groups/{team}, POST .../{team}/members and
// DELETE .../{team}/members/{username}; and GET
// /v2/orgs/{org}/members/export (CSV).
//
// Teams that SCIM fills (dockerTeam, or a group org:team) are ordinary
// teams here: renaming or deleting one leaves the SCIM users' settings
// alone, and the next change to such a user re-creates the team by its old
// name, as a sync from the identity provider would.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// teamBody is a create, replace or update body; nil means absent.
type teamBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// checkTeamName validates a new team name for og (other than self).
func checkTeamName(og *org, name string, self *team) error {
	if name == "" || len(name) > 100 || strings.ContainsAny(name, "/:") || strings.TrimSpace(name) != name {
		return fmt.Errorf("group name %q must be 1 to 100 characters, without / or : or surrounding spaces", name)
	}
	if t := og.teams[strings.ToLower(name)]; t != nil && t != self {
		return fmt.Errorf("group %q already exists in organization %q", t.Name, og.Name)
	}
	return nil
}

// hubTeamWrite runs fn on the team named by the path under the write lock,
// then saves and answers with the team (or 204 when fn returns nil).
func (s *Server) hubTeamWrite(w http.ResponseWriter, r *http.Request, who principal, fn func(st *store, og *org, t *team) (status int, msg string)) {
	st := s.st
	st.mu.Lock()
	t := s.hubTeam(w, r, who)
	if t == nil {
		st.mu.Unlock()
		return
	}
	og := st.orgs[strings.ToLower(r.PathValue("org"))]
	status, msg := fn(st, og, t)
	if status < 300 {
		s.persist(r)
	}
	var out map[string]any
	if status == http.StatusOK {
		out = teamJSON(t)
	}
	st.mu.Unlock()
	switch {
	case msg != "":
		writeHubError(w, status, msg)
	case out != nil:
		writeJSON(w, status, "application/json", out)
	default:
		w.WriteHeader(status)
	}
}

// renameTeam moves t to name; a changed key rewrites the whole state
// (rare, and the team's records are keyed by name).
func (st *store) renameTeam(og *org, t *team, name string) {
	if name == t.Name {
		return
	}
	delete(og.teams, strings.ToLower(t.Name))
	t.Name = name
	og.teams[strings.ToLower(name)] = t
	st.dirtyAll()
}

func (s *Server) hubCreateTeam(w http.ResponseWriter, r *http.Request, who principal) {
	var body teamBody
	if !hubBody(w, r, &body) {
		return
	}
	if body.Name == nil {
		writeHubError(w, http.StatusBadRequest, "name is required")
		return
	}
	st := s.st
	og := s.lockOrg(w, r, who)
	if og == nil {
		return
	}
	if err := checkTeamName(og, *body.Name, nil); err != nil {
		st.mu.Unlock()
		writeHubError(w, http.StatusBadRequest, err.Error())
		return
	}
	t := st.ensureTeam(og, *body.Name)
	if body.Description != nil {
		t.Description = *body.Description
	}
	s.persist(r)
	out := teamJSON(t)
	st.mu.Unlock()
	writeJSON(w, http.StatusCreated, "application/json", out)
}

// hubReplaceTeam is PUT: name required, description replaced (omitted
// clears it).
func (s *Server) hubReplaceTeam(w http.ResponseWriter, r *http.Request, who principal) {
	s.hubEditTeam(w, r, who, true)
}

// hubUpdateTeam is PATCH: what the body carries changes.
func (s *Server) hubUpdateTeam(w http.ResponseWriter, r *http.Request, who principal) {
	s.hubEditTeam(w, r, who, false)
}

func (s *Server) hubEditTeam(w http.ResponseWriter, r *http.Request, who principal, replace bool) {
	var body teamBody
	if !hubBody(w, r, &body) {
		return
	}
	if replace && body.Name == nil {
		writeHubError(w, http.StatusBadRequest, "name is required")
		return
	}
	s.hubTeamWrite(w, r, who, func(st *store, og *org, t *team) (int, string) {
		if body.Name != nil {
			if err := checkTeamName(og, *body.Name, t); err != nil {
				return http.StatusBadRequest, err.Error()
			}
		}
		st.dirtyTeam(og.Name, strings.ToLower(t.Name))
		if body.Name != nil {
			st.renameTeam(og, t, *body.Name)
		}
		switch {
		case body.Description != nil:
			t.Description = *body.Description
		case replace:
			t.Description = ""
		}
		return http.StatusOK, ""
	})
}

func (s *Server) hubDeleteTeam(w http.ResponseWriter, r *http.Request, who principal) {
	s.hubTeamWrite(w, r, who, func(st *store, og *org, t *team) (int, string) {
		delete(og.teams, strings.ToLower(t.Name))
		st.dirtyAll() // the team's records go with it
		return http.StatusNoContent, ""
	})
}

func (s *Server) hubAddTeamMember(w http.ResponseWriter, r *http.Request, who principal) {
	var body struct {
		Member string `json:"member"`
	}
	if !hubBody(w, r, &body) {
		return
	}
	if body.Member == "" {
		writeHubError(w, http.StatusBadRequest, "member (a Docker ID) is required")
		return
	}
	s.hubTeamWrite(w, r, who, func(st *store, og *org, t *team) (int, string) {
		name := strings.ToLower(strings.TrimSpace(body.Member))
		if og.members[name] == nil {
			return http.StatusNotFound, fmt.Sprintf("%q is not a member of organization %q: invite them first", body.Member, og.Name)
		}
		t.members[name] = struct{}{}
		st.dirtyAccount(name)
		return http.StatusOK, ""
	})
}

func (s *Server) hubRemoveTeamMember(w http.ResponseWriter, r *http.Request, who principal) {
	s.hubTeamWrite(w, r, who, func(st *store, og *org, t *team) (int, string) {
		name := strings.ToLower(r.PathValue("username"))
		if _, in := t.members[name]; !in {
			return http.StatusNotFound, fmt.Sprintf("%q is not a member of group %q", r.PathValue("username"), t.Name)
		}
		delete(t.members, name)
		st.dirtyAccount(name)
		return http.StatusNoContent, ""
	})
}

// hubExportMembers answers the members as CSV, with the columns Docker
// publishes: Name, Username, Email, Type, Permission, Teams, Date Joined.
func (s *Server) hubExportMembers(w http.ResponseWriter, r *http.Request, who principal) {
	st := s.st
	og := s.rlockOrg(w, r, who)
	if og == nil {
		return
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"Name", "Username", "Email", "Type", "Permission", "Teams", "Date Joined"})
	for _, name := range sortedKeys(og.members) {
		m, a := og.members[name], st.accounts[name]
		if a == nil {
			continue
		}
		var teams []string
		for _, k := range sortedKeys(og.teams) {
			if _, in := og.teams[k].members[name]; in {
				teams = append(teams, og.teams[k].Name)
			}
		}
		role := m.Role
		if role != "" {
			role = strings.ToUpper(role[:1]) + role[1:]
		}
		_ = cw.Write([]string{a.FullName, a.Username, a.Email, "User", role, strings.Join(teams, ", "),
			m.Joined.UTC().Format("2006-01-02 15:04:05.000000 -0700 MST")})
	}
	cw.Flush()
	st.mu.RUnlock()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment;filename=%q", og.Name+"-members-"+s.now().UTC().Format(time.RFC3339)+".csv"))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

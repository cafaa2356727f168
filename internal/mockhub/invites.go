package mockhub

// Invites, as Docker publishes them: GET /v2/orgs/{org}/invites, POST
// /v2/invites/bulk, PATCH /v2/invites/{id}/resend and DELETE
// /v2/invites/{id}. A pending invite is listed among the members (role
// Invitee) with ?invites=true or ?type=invitee. Nobody accepts an invite in
// mockhub: it stays pending until cancelled, or until SCIM provisions the
// person, which makes the invite moot. Invites are not written to -state.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

type invite struct {
	Seq     int // creation order
	ID      string
	Inviter string
	Invitee string // a Docker ID or an email
	Org     string
	Team    string
	Role    string
	Created time.Time
}

func (iv *invite) json() map[string]any {
	return map[string]any{
		"id": iv.ID, "inviter_username": iv.Inviter, "invitee": iv.Invitee, "org": iv.Org, "team": iv.Team,
		"created_at": iv.Created.UTC().Format(time.RFC3339),
	}
}

// pendingInvites lists og's invites whose invitee is not a member yet, in
// the order they were made.
func (s *store) pendingInvites(og *org) []*invite {
	var out []*invite
	for _, k := range sortedKeys(s.invites) {
		iv := s.invites[k]
		if iv.Org == og.Name && s.memberFor(og, iv.Invitee) == "" {
			out = append(out, iv)
		}
	}
	slices.SortFunc(out, func(a, b *invite) int { return a.Seq - b.Seq })
	return out
}

// memberFor is the member of og that invitee (a Docker ID or an email)
// names, or "".
func (s *store) memberFor(og *org, invitee string) string {
	name := strings.ToLower(invitee)
	if a := s.accountByEmail[se.Fold(invitee)]; a != nil {
		name = a.Username
	}
	if og.members[name] != nil {
		return name
	}
	return ""
}

func (s *Server) hubListInvites(w http.ResponseWriter, r *http.Request, who principal) {
	st := s.st
	og := s.rlockOrg(w, r, who)
	if og == nil {
		return
	}
	data := []any{}
	for _, iv := range st.pendingInvites(og) {
		data = append(data, iv.json())
	}
	st.mu.RUnlock()
	writeJSON(w, http.StatusOK, "application/json", map[string]any{"data": data})
}

func (s *Server) hubBulkInvite(w http.ResponseWriter, r *http.Request, who principal) {
	var body struct {
		Org      string   `json:"org"`
		Team     string   `json:"team"`
		Role     string   `json:"role"`
		Invitees []string `json:"invitees"`
		DryRun   bool     `json:"dry_run"`
	}
	if !hubBody(w, r, &body) {
		return
	}
	role := strings.ToLower(body.Role)
	if role == "" {
		role = "member"
	}
	switch {
	case body.Org == "":
		writeHubError(w, http.StatusBadRequest, "org is required")
		return
	case len(body.Invitees) == 0:
		writeHubError(w, http.StatusBadRequest, "invitees must list at least one email or Docker ID")
		return
	case !validRole(role):
		writeHubError(w, http.StatusBadRequest, fmt.Sprintf("role must be member, editor or owner, not %q", body.Role))
		return
	}
	st := s.st
	st.mu.Lock()
	defer st.mu.Unlock()
	og := s.hubOrgNamed(w, body.Org, who)
	if og == nil {
		return
	}
	team := ""
	if body.Team != "" {
		t := og.teams[strings.ToLower(body.Team)]
		if t == nil {
			writeHubError(w, http.StatusBadRequest, fmt.Sprintf("team %q not found in organization %q", body.Team, og.Name))
			return
		}
		team = t.Name
	}
	inviter := who.user
	if inviter == "" {
		inviter = og.Name
	}
	pending := map[string]bool{}
	for _, iv := range st.pendingInvites(og) {
		pending[strings.ToLower(iv.Invitee)] = true
	}
	out := make([]any, 0, len(body.Invitees))
	for _, raw := range body.Invitees {
		inv := strings.TrimSpace(raw)
		res := map[string]any{"invitee": inv}
		out = append(out, res)
		switch {
		case !isEmailAddress(inv) && st.accounts[strings.ToLower(inv)] == nil:
			res["status"] = "invalid_email_or_docker_id"
		case st.memberFor(og, inv) != "":
			res["status"] = "existing_org_member"
		case pending[strings.ToLower(inv)]:
			res["status"] = "already_invited"
		default:
			res["status"] = "invited"
			iv := &invite{Seq: len(st.invites) + st.invitesGone + 1, ID: uuid.NewString(), Inviter: inviter, Invitee: inv, Org: og.Name, Team: team, Role: role, Created: s.now().UTC()}
			res["invite"] = iv.json()
			if !body.DryRun {
				st.invites[iv.ID] = iv
				pending[strings.ToLower(inv)] = true
			}
		}
	}
	writeJSON(w, http.StatusAccepted, "application/json", map[string]any{"invitees": out})
}

// inviteByID resolves /v2/invites/{id} for an owner of its org; the caller
// holds the write lock.
func (s *Server) inviteByID(w http.ResponseWriter, r *http.Request, who principal) *invite {
	iv := s.st.invites[r.PathValue("id")]
	if iv == nil {
		writeHubError(w, http.StatusNotFound, fmt.Sprintf("invite %q not found", r.PathValue("id")))
		return nil
	}
	if !s.st.mayManage(who, iv.Org) {
		writeHubError(w, http.StatusForbidden, who.refusal("organization", iv.Org))
		return nil
	}
	return iv
}

func (s *Server) hubResendInvite(w http.ResponseWriter, r *http.Request, who principal) {
	s.inviteWrite(w, r, who, func(*invite) {})
}

func (s *Server) hubCancelInvite(w http.ResponseWriter, r *http.Request, who principal) {
	s.inviteWrite(w, r, who, func(iv *invite) {
		delete(s.st.invites, iv.ID)
		s.st.invitesGone++
	})
}

func (s *Server) inviteWrite(w http.ResponseWriter, r *http.Request, who principal, fn func(*invite)) {
	s.st.mu.Lock()
	iv := s.inviteByID(w, r, who)
	if iv != nil {
		fn(iv)
	}
	s.st.mu.Unlock()
	if iv != nil {
		w.WriteHeader(http.StatusNoContent)
	}
}

// inviteeMembers renders og's pending invites as member list entries.
func (s *Server) inviteeMembers(og *org) []any {
	var out []any
	for _, iv := range s.st.pendingInvites(og) {
		m := map[string]any{
			"id": iv.ID, "username": "", "full_name": "", "email": "", "role": s.dialect.memberRole("invitee"),
			"groups": []string{}, "type": s.dialect.memberType, "date_joined": iv.Created.UTC().Format(time.RFC3339),
		}
		if a := s.st.accounts[strings.ToLower(iv.Invitee)]; a != nil {
			m["username"], m["full_name"], m["email"] = a.Username, a.FullName, a.Email
		} else {
			m["email"] = iv.Invitee
		}
		if iv.Team != "" {
			m["groups"] = []string{iv.Team}
		}
		out = append(out, m)
	}
	return out
}

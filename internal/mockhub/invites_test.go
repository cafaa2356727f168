package mockhub

import (
	"net/http"
	"testing"
)

func TestInvites(t *testing.T) {
	e := newEnv(t, published)
	want(t, e.hub(http.MethodPost, "/v2/orgs/moby/groups", map[string]any{"name": "devs"}), http.StatusCreated)
	bulk := func(body map[string]any) *resp {
		t.Helper()
		r := e.hub(http.MethodPost, "/v2/invites/bulk", body)
		want(t, r, http.StatusAccepted)
		return r
	}
	dry := bulk(map[string]any{"org": "moby", "invitees": []any{"sam@moby.example"}, "dry_run": true})
	if dry.str("invitees", "0", "status") != "invited" {
		t.Fatalf("dry run: %s", dry.raw)
	}
	if l := e.hub(http.MethodGet, "/v2/orgs/moby/invites", nil); len(l.list("data")) != 0 {
		t.Fatalf("a dry run invited: %s", l.raw)
	}
	r := bulk(map[string]any{"org": "moby", "team": "devs", "role": "editor",
		"invitees": []any{"sam@moby.example", "jane", "dev", "dev@moby.example", "nobody", "sam@moby.example"}})
	wantStatus := []string{"invited", "invited", "existing_org_member", "existing_org_member", "invalid_email_or_docker_id", "already_invited"}
	for i, w := range wantStatus {
		if got := r.str("invitees", string(rune('0'+i)), "status"); got != w {
			t.Errorf("invitee %d: status %q, want %q (%s)", i, got, w, r.raw)
		}
	}
	if r.str("invitees", "0", "invite", "team") != "devs" || r.str("invitees", "0", "invite", "inviter_username") != "admin" {
		t.Errorf("invite: %s", r.raw)
	}
	l := e.hub(http.MethodGet, "/v2/orgs/moby/invites", nil)
	want(t, l, http.StatusOK)
	if len(l.list("data")) != 2 {
		t.Fatalf("invites: %s", l.raw)
	}
	// Pending invites are members with role Invitee, on request.
	m := e.hub(http.MethodGet, "/v2/orgs/moby/members?invites=true", nil)
	roles := map[string]string{}
	for _, x := range m.list("results") {
		mm := x.(map[string]any)
		roles[mm["email"].(string)] = mm["role"].(string)
	}
	if roles["sam@moby.example"] != "Invitee" || roles["jane@moby.example"] != "Invitee" || roles["admin@moby.example"] != "Owner" {
		t.Errorf("members with invites: %v", roles)
	}
	if n := len(e.hub(http.MethodGet, "/v2/orgs/moby/members?type=invitee", nil).list("results")); n != 2 {
		t.Errorf("type=invitee lists %d, want 2", n)
	}
	if n := len(e.hub(http.MethodGet, "/v2/orgs/moby/members", nil).list("results")); n != 2 {
		t.Errorf("members without invites: %d, want 2", n)
	}
	want(t, e.hub(http.MethodGet, "/v2/orgs/moby/members?type=bogus", nil), http.StatusBadRequest)

	id := l.str("data", "1", "id") // jane's: sam's stays pending
	if l.str("data", "1", "invitee") != "jane" {
		t.Fatalf("invites out of order: %s", l.raw)
	}
	want(t, e.hub(http.MethodPatch, "/v2/invites/"+id+"/resend", nil), http.StatusNoContent)
	dev := e.login("dev", devPass)
	if r := e.do(http.MethodDelete, "/v2/invites/"+id, dev, nil); r.status != http.StatusForbidden {
		t.Errorf("dev cancelling an invite: %d", r.status)
	}
	want(t, e.hub(http.MethodDelete, "/v2/invites/"+id, nil), http.StatusNoContent)
	want(t, e.hub(http.MethodDelete, "/v2/invites/"+id, nil), http.StatusNotFound)
	want(t, e.hub(http.MethodPatch, "/v2/invites/"+id+"/resend", nil), http.StatusNotFound)
	if n := len(e.hub(http.MethodGet, "/v2/orgs/moby/invites", nil).list("data")); n != 1 {
		t.Errorf("after a cancel %d invites, want 1", n)
	}

	// SCIM provisioning the invitee makes the invite moot.
	e.createUser("sam@moby.example")
	for _, x := range e.hub(http.MethodGet, "/v2/orgs/moby/invites", nil).list("data") {
		t.Errorf("still pending after provisioning: %v", x)
	}

	for _, body := range []map[string]any{
		{"invitees": []any{"a@moby.example"}},
		{"org": "moby"},
		{"org": "moby", "invitees": []any{"a@moby.example"}, "role": "king"},
		{"org": "moby", "invitees": []any{"a@moby.example"}, "team": "nope"},
	} {
		if r := e.hub(http.MethodPost, "/v2/invites/bulk", body); r.status != http.StatusBadRequest {
			t.Errorf("bulk %v: %d, want 400", body, r.status)
		}
	}
	want(t, e.hub(http.MethodPost, "/v2/invites/bulk", map[string]any{"org": "nope", "invitees": []any{"a@moby.example"}}), http.StatusNotFound)
}

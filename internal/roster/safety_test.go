package roster

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
	"github.com/dockerscim/terraform-provider-docker/internal/view"
)

// hub is an in-process mockhub with SCIM on moby's connection, and a
// client for it.
func hub(t *testing.T) (*httptest.Server, mockhub.Info, *scim.Client) {
	t.Helper()
	mh, err := mockhub.New(mockhub.Options{SCIMToken: "moby-token"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mh)
	t.Cleanup(srv.Close)
	info := mh.Info(srv.URL)
	return srv, info, client(t, info.SCIMBaseURL, info.SCIMToken)
}

func client(t *testing.T, baseURL, token string) *scim.Client {
	t.Helper()
	c, err := scim.New(scim.Config{BaseURL: baseURL, Token: token, HTTP: httpx.Options{RetryMax: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// whaleToken enables SCIM on org whale's connection, on the same host, and
// returns its token.
func whaleToken(t *testing.T, hubURL string) string {
	t.Helper()
	post := func(path, auth, body string) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, hubURL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out := map[string]any{}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, err)
		}
		return out
	}
	access := post("/v2/auth/token", "", `{"identifier":"admin","secret":"mockhub-admin-password"}`)["access_token"].(string)
	return post("/v2/orgs/whale/sso/connections/6f1c1b9e-2f4a-4c61-9d0e-7a3b5c8d9e03/scim", access, "")["token"].(string)
}

func endpoint(info mockhub.Info, token string) view.Endpoint {
	return view.Endpoint{BaseURL: info.SCIMBaseURL, Token: view.Fingerprint(token)}
}

// applied is a roster of two people created through c.
func applied(t *testing.T, c *scim.Client, now view.Endpoint) (*Roster, *Private) {
	t.Helper()
	config := withNulls(&Roster{Users: map[string]*Person{"ann@moby.example": testPerson("Ann"), "bob@moby.example": testPerson("Bob")}})
	plan, err := Plan(context.Background(), nil, config, nil, ListerFor(c))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(context.Background(), c, now, nil, plan.Planned, config, plan.Private)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("apply: %v %+v", err, res.Problems)
	}
	return res.State, res.Private
}

// Through another connection's token, Read finds none of the roster's
// people: it fails with EndpointChangedError instead of dropping them,
// and Apply refuses before writing. Through the same token, a person
// deleted outside Terraform is dropped, and a rotated token that still
// finds the people is recorded.
func TestReadAndApplyConfirmTheEndpoint(t *testing.T) {
	t.Parallel()
	srv, info, moby := hub(t)
	state, priv := applied(t, moby, endpoint(info, info.SCIMToken))
	if priv.Endpoint == nil || *priv.Endpoint != endpoint(info, info.SCIMToken) {
		t.Fatalf("apply recorded %+v", priv.Endpoint)
	}

	whale := whaleToken(t, srv.URL)
	other := client(t, info.SCIMBaseURL, whale)
	_, _, err := Read(context.Background(), other, endpoint(info, whale), state, priv)
	var changed *EndpointChangedError
	if !errors.As(err, &changed) || changed.Was != *priv.Endpoint {
		t.Fatalf("Read through other settings: %v", err)
	}
	if _, err := Apply(context.Background(), other, endpoint(info, whale), state, state, state, priv); !errors.As(err, &changed) {
		t.Fatalf("Apply through other settings: %v", err)
	}

	// A rotated token of the same connection (here: the same token under
	// another record) finds the people, and is recorded.
	rotated := endpoint(info, "rotated")
	fresh, next, err := Read(context.Background(), moby, rotated, state, priv)
	if err != nil || *next.Endpoint != rotated || len(fresh.Users) != 2 {
		t.Fatalf("Read through the same connection: %v %+v", err, next)
	}

	// Deleted outside Terraform, through the recorded settings: dropped.
	if err := moby.DeleteUser(context.Background(), state.IDs["bob@moby.example"].V, ""); err != nil {
		t.Fatal(err)
	}
	fresh, _, err = Read(context.Background(), moby, rotated, fresh, next)
	if err != nil || len(fresh.Users) != 1 || fresh.Users["bob@moby.example"] != nil {
		t.Fatalf("a person deleted outside Terraform: %v %+v", err, fresh.Users)
	}
}

// An edit outside Terraform to a setting the configuration manages, made
// between the refresh and the apply, fails that person's write and keeps
// the server's version in state; an edit to one it leaves alone does not.
func TestApplyUpdatesAreConditional(t *testing.T) {
	t.Parallel()
	_, info, c := hub(t)
	now := endpoint(info, info.SCIMToken)
	state, priv := applied(t, c, now)
	ctx := context.Background()

	config := withNulls(&Roster{Users: map[string]*Person{"ann@moby.example": testPerson("Annie"), "bob@moby.example": testPerson("Bobby")}})
	plan, err := Plan(ctx, state, config, priv, ListerFor(c))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(id string, op scim.PatchOp) {
		if _, err := c.PatchUser(ctx, id, []scim.PatchOp{op}, ""); err != nil {
			t.Fatal(err)
		}
	}
	edit(state.IDs["ann@moby.example"].V, scim.PatchOp{Op: "replace", Path: "name.givenName", Value: "Outside"})
	edit(state.IDs["bob@moby.example"].V, scim.PatchOp{Op: "replace", Path: "externalId", Value: "okta-1"})

	res, err := Apply(ctx, c, now, state, plan.Planned, config, plan.Private)
	if err != nil {
		t.Fatal(err)
	}
	withPath, _ := res.Problems[0].(diag.DiagnosticWithPath)
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Detail(), "changed outside Terraform") ||
		withPath == nil || !withPath.Path().Equal(path.Root("user").AtMapKey("ann@moby.example")) {
		t.Fatalf("problems: %+v", res.Problems)
	}
	if got := res.State.Users["ann@moby.example"].Attrs[AttrGivenName]; got != tfproto.Known("Outside") {
		t.Fatalf("state records ann's given name %+v, want the server's", got)
	}
	if got := res.State.Users["bob@moby.example"].Attrs[AttrGivenName]; got != tfproto.Known("Bobby") {
		t.Fatalf("bob's update did not go through: %+v", got)
	}
	ann, err := c.GetUser(ctx, state.IDs["ann@moby.example"].V)
	if err != nil || ann.Name.GivenName != "Outside" {
		t.Fatalf("the outside edit was overwritten: %v %+v", err, ann)
	}
}

// A removed and an added person sharing an external_id are one rename:
// one write, the same id, nobody left to the policy.
func TestRenameByExternalID(t *testing.T) {
	t.Parallel()
	_, info, c := hub(t)
	now := endpoint(info, info.SCIMToken)
	ctx := context.Background()
	old := testPerson("Margaret")
	old.Attrs[AttrExternalID] = tfproto.Known("00uMH")
	config := withNulls(&Roster{Unmanaged: tfproto.Known(PolicyDelete), Users: map[string]*Person{"margaret.hamilton@moby.example": old}})
	plan, _ := Plan(ctx, nil, config, nil, ListerFor(c))
	res, err := Apply(ctx, c, now, nil, plan.Planned, config, plan.Private)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("%v %+v", err, res.Problems)
	}
	id := res.State.IDs["margaret.hamilton@moby.example"]

	config = withNulls(&Roster{Unmanaged: tfproto.Known(PolicyDelete), Users: map[string]*Person{"margaret.heafield@moby.example": old}})
	plan, err = Plan(ctx, res.State, config, res.Private, ListerFor(c))
	if err != nil {
		t.Fatal(err)
	}
	if plan.Planned.IDs["margaret.heafield@moby.example"] != id || len(plan.ActOn) != 0 || plan.Counts.Rename != 1 || plan.Counts.Delete != 0 {
		t.Fatalf("planned id %+v, acts on %v, counts %+v", plan.Planned.IDs, plan.ActOn, plan.Counts)
	}
	res, err = Apply(ctx, c, now, res.State, plan.Planned, config, plan.Private)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("%v %+v", err, res.Problems)
	}
	u, err := c.GetUser(ctx, id.V)
	if err != nil || u.UserName != "margaret.heafield@moby.example" || !u.IsActive() {
		t.Fatalf("after the rename: %v %+v", err, u)
	}
}

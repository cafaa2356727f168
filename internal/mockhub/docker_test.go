package mockhub

import (
	"slices"
	"testing"
)

func TestDockerMembershipLifecycle(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("new.hire@moby.example", dockerURN, dockerExt("dockerRole", "editor", "dockerTeam", "platform"))
	roles, teams := e.members("moby")
	if roles["newhire"] != "editor" || !slices.Equal(teams["newhire"], []string{"platform"}) {
		t.Fatalf("after create: %v %v", roles, teams)
	}
	if got := e.teamMembers("moby", "platform"); !slices.Equal(got, []string{"newhire"}) {
		t.Fatalf("team created with the user: %v", got)
	}

	// Okta deactivates with a no-path PATCH.
	want(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "", map[string]any{"active": false}))), 200)
	roles, _ = e.members("moby")
	if _, ok := roles["newhire"]; ok {
		t.Fatal("deactivated user still an org member")
	}
	if got := e.teamMembers("moby", "platform"); len(got) != 0 {
		t.Fatalf("deactivated user still a team member: %v", got)
	}
	want(t, e.scim("GET", "/Users/"+id, nil), 200) // the SCIM user stays

	// Reactivating restores org role and team.
	want(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "active", true))), 200)
	roles, teams = e.members("moby")
	if roles["newhire"] != "editor" || !slices.Equal(teams["newhire"], []string{"platform"}) {
		t.Fatalf("after reactivate: %v %v", roles, teams)
	}

	// Changing dockerRole changes the org role.
	want(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", dockerURN+":dockerRole", "owner"))), 200)
	if roles, _ = e.members("moby"); roles["newhire"] != "owner" {
		t.Fatalf("role: %v", roles)
	}

	// DELETE removes the membership; the account stays, and a new SCIM user
	// with the same email attaches it again.
	want(t, e.scim("DELETE", "/Users/"+id, nil), 204)
	if roles, _ = e.members("moby"); roles["newhire"] != "" {
		t.Fatalf("deleted user still a member: %v", roles)
	}
	if got := e.teamMembers("moby", "platform"); got == nil || len(got) != 0 {
		t.Fatalf("team: %v", got)
	}
	r := e.scim("POST", "/Users", userBody("new.hire@moby.example"))
	want(t, r, 201)
	if r.str("displayName") != "newhire" {
		t.Errorf("the account was not re-attached: %s", r.raw)
	}
}

func TestDockerAccounts(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		userName string
		emails   []any
		wantID   string
	}{
		{"jane@moby.example", nil, "jane"}, // existing account attached by email
		{"JANE.alias@moby.example", []any{map[string]any{"value": "dev@moby.example", "primary": true}}, "dev"},
		{"Mary-Jo.O'Neil@moby.example", nil, "maryjooneil"},
		{"ab@moby.example", nil, "ab00"},
		{"ab@other.example", nil, "ab001"},
		{"admin@elsewhere.example", nil, "admin1"}, // admin is taken
		{"moby@elsewhere.example", nil, "moby1"},   // so is the org name
		{"-.-@moby.example", nil, "user"},          // no letter or digit to derive from
	}
	for _, tc := range cases {
		t.Run(tc.userName, func(t *testing.T) {
			extra := []any{}
			if tc.emails != nil {
				extra = append(extra, "emails", tc.emails)
			}
			r := e.scim("POST", "/Users", userBody(tc.userName, extra...))
			want(t, r, 201)
			if r.str("displayName") != tc.wantID {
				t.Errorf("Docker ID %q, want %q", r.str("displayName"), tc.wantID)
			}
		})
	}
	roles, _ := e.members("moby")
	for _, u := range []string{"jane", "dev", "maryjooneil", "ab00", "ab001", "admin1", "moby1", "user"} {
		if roles[u] == "" {
			t.Errorf("%s is not a member: %v", u, roles)
		}
	}
	// dev was attached by SCIM with the default role, so dev stays a member.
	if roles["dev"] != "member" {
		t.Errorf("dev role %q", roles["dev"])
	}
	// A second SCIM user for an already provisioned account conflicts.
	r := e.scim("POST", "/Users", userBody("jane2@moby.example", "emails", []any{map[string]any{"value": "jane@moby.example"}}))
	wantSCIMError(t, r, 409, "uniqueness")
	// An explicit displayName is kept.
	r = e.scim("POST", "/Users", userBody("named@moby.example", "displayName", "Named Person"))
	want(t, r, 201)
	if r.str("displayName") != "Named Person" {
		t.Errorf("%s", r.raw)
	}
}

func TestDockerCompanyConnectionScope(t *testing.T) {
	seed := DefaultSeed()
	seed.Orgs = append(seed.Orgs, SeedOrg{Name: "moby-research", Members: []SeedMember{{Username: "admin", Role: "owner"}}})
	seed.Companies[0].Orgs = append(seed.Companies[0].Orgs, "moby-research")
	e := newEnv(t, func(o *Options) { o.Seed = seed })
	tok := e.enableSCIM("companies/moby-inc", DefaultCompanyConnectionID)
	post := func(path string, body any) *resp { return e.do("POST", scimPrefix+path, tok, body) }

	// The default org is the company's first org (moby-labs); dockerOrg picks
	// another in scope. moby and whale are not the company's.
	want(t, post("/Users", userBody("c1@moby-inc.example")), 201)
	want(t, post("/Users", userBody("c2@moby-inc.example", dockerURN, dockerExt("dockerOrg", "moby-research", "dockerTeam", "research"))), 201)
	for _, org := range []string{"whale", "moby"} {
		r := post("/Users", userBody("c3@moby-inc.example", dockerURN, dockerExt("dockerOrg", org)))
		wantSCIMError(t, r, 400, "invalidValue")
	}
	labs, _ := e.members("moby-labs")
	research, researchTeams := e.members("moby-research")
	if labs["c100"] != "member" || research["c200"] != "member" || labs["c200"] != "" || !slices.Equal(researchTeams["c200"], []string{"research"}) {
		t.Errorf("moby-labs %v, moby-research %v %v", labs, research, researchTeams)
	}
	// A group may name any org of the company.
	c1 := e.do("GET", scimPrefix+`/Users?filter=userName%20eq%20%22c1@moby-inc.example%22`, tok, nil).str("Resources", "0", "id")
	want(t, post("/Groups", groupBody("moby-research:infra", c1)), 201)
	if got := e.teamMembers("moby-research", "infra"); !slices.Equal(got, []string{"c100"}) {
		t.Errorf("infra: %v", got)
	}
	wantSCIMError(t, post("/Groups", groupBody("whale:infra")), 400, "invalidValue")
	wantSCIMError(t, post("/Groups", groupBody("moby:infra")), 400, "invalidValue")
}

func TestDockerGroupsAreTeams(t *testing.T) {
	e := newEnv(t)
	a := e.createUser("teama@moby.example")
	b := e.createUser("teamb@moby.example", "active", false)
	r := e.scim("POST", "/Groups", groupBody("moby:backend", a, b))
	want(t, r, 201)
	gid := r.str("id")
	// Only active members are team members.
	if got := e.teamMembers("moby", "backend"); !slices.Equal(got, []string{"teama"}) {
		t.Fatalf("backend: %v", got)
	}
	team := e.hub("GET", "/v2/orgs/moby/groups/backend", nil)
	want(t, team, 200)
	if team.num("member_count") != 1 || team.str("name") != "backend" || team.str("uuid") == "" {
		t.Errorf("team: %s", team.raw)
	}
	// Activating b makes it a team member.
	want(t, e.scim("PATCH", "/Users/"+b, patchBody(op("replace", "active", true))), 200)
	if got := e.teamMembers("moby", "backend"); !slices.Equal(got, []string{"teama", "teamb"}) {
		t.Fatalf("backend after activation: %v", got)
	}
	// A group with no members still creates its team.
	want(t, e.scim("POST", "/Groups", groupBody("moby:empty")), 201)
	if got := e.teamMembers("moby", "empty"); got == nil {
		t.Error("empty group created no team")
	}
	// Renaming the group moves its members to the new team.
	want(t, e.scim("PATCH", "/Groups/"+gid, patchBody(op("replace", "displayName", "moby:services"))), 200)
	if got := e.teamMembers("moby", "services"); !slices.Equal(got, []string{"teama", "teamb"}) {
		t.Fatalf("services: %v", got)
	}
	if got := e.teamMembers("moby", "backend"); len(got) != 0 {
		t.Fatalf("backend after rename: %v", got)
	}
	// Removing a member removes it from the team, not from the org.
	want(t, e.scim("PATCH", "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+b+`"]`, nil))), 200)
	if got := e.teamMembers("moby", "services"); !slices.Equal(got, []string{"teama"}) {
		t.Fatalf("services after remove: %v", got)
	}
	roles, _ := e.members("moby")
	if roles["teamb"] != "member" {
		t.Errorf("teamb left the org: %v", roles)
	}
	// Deleting the group keeps the team and empties it.
	want(t, e.scim("DELETE", "/Groups/"+gid, nil), 204)
	if got := e.teamMembers("moby", "services"); got == nil || len(got) != 0 {
		t.Fatalf("services after group delete: %v", got)
	}
	roles, _ = e.members("moby")
	if roles["teama"] != "member" {
		t.Errorf("teama left the org: %v", roles)
	}
}

func TestDockerDisableSCIMKeepsMembers(t *testing.T) {
	e := newEnv(t)
	e.createUser("keep@moby.example")
	want(t, e.hub("DELETE", "/v2/orgs/moby/sso/connections/"+DefaultOrgConnectionID+"/scim", nil), 204)
	wantSCIMError(t, e.scim("GET", "/Users", nil), 401, "")
	if roles, _ := e.members("moby"); roles["keep"] != "member" {
		t.Errorf("provisioned user left the org: %v", roles)
	}
}

func TestDockerOutOfBandRemoval(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("oobuser@moby.example")
	want(t, e.hub("DELETE", "/v2/orgs/moby/members/oobuser", nil), 204)
	if roles, _ := e.members("moby"); roles["oobuser"] != "" {
		t.Fatal("member not removed")
	}
	// The SCIM user is untouched; re-asserting it restores the membership.
	r := e.scim("GET", "/Users/"+id, nil)
	if r.get("active") != true {
		t.Fatal("SCIM user changed")
	}
	want(t, e.scim("PATCH", "/Users/"+id, patchBody(op("replace", "active", true))), 200)
	if roles, _ := e.members("moby"); roles["oobuser"] != "member" {
		t.Fatal("membership not restored")
	}
}

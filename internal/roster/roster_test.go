package roster

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dockerscim/terraform-provider-docker/internal/person"
	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

func testPerson(given string) *Person {
	p := &Person{Active: Bool{Null: true}}
	for i := range p.Attrs {
		p.Attrs[i] = tfproto.NullStr()
	}
	if given != "" {
		p.Attrs[AttrGivenName] = tfproto.Known(given)
	}
	return p
}

func serverPerson(given, display string) *Person {
	p := testPerson(given)
	p.Attrs[AttrRole] = tfproto.Known("member")
	p.Attrs[AttrDisplayName] = tfproto.OrNull(display)
	p.Active = Bool{V: true}
	return p
}

// withNulls makes the zero values of r's scalar settings null, as a
// configuration that leaves them out decodes.
func withNulls(r *Roster) *Roster {
	if r.Filter == (Str{}) {
		r.Filter = tfproto.NullStr()
	}
	if r.Unmanaged == (Str{}) {
		r.Unmanaged = tfproto.NullStr()
	}
	if r.MaxParallelWrites == (Int{}) {
		r.MaxParallelWrites = Int{Null: true}
	}
	return r
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    *Roster
		want string // substring of the first problem's summary; "" for none
	}{
		{"ok", &Roster{Users: map[string]*Person{"a@x.example": testPerson("A")}}, ""},
		{"not an email", &Roster{Users: map[string]*Person{"nobody": testPerson("")}}, "Invalid email"},
		{"same person twice", &Roster{Users: map[string]*Person{"a@x.example": testPerson(""), "A@x.example": testPerson("")}}, "One person listed twice"},
		{"bad policy", &Roster{Unmanaged: tfproto.Known("purge")}, "Invalid unmanaged policy"},
		{"too parallel", &Roster{MaxParallelWrites: Int{V: 1000}}, "Invalid max_parallel_writes"},
		{"team member not listed", &Roster{Users: map[string]*Person{"a@x.example": testPerson("")},
			Teams: map[string][]string{"moby:dev": {"b@x.example"}}}, "Team member not listed"},
		{"team key", &Roster{Teams: map[string][]string{"dev": {}}}, "Invalid team key"},
		{"unknown users pass", &Roster{UsersUnknown: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Validate(withNulls(tc.r))
			switch {
			case tc.want == "" && len(got) > 0:
				t.Fatalf("problems: %+v", got)
			case tc.want != "" && (len(got) == 0 || !strings.Contains(got[0].Summary(), tc.want)):
				t.Fatalf("want %q, got %+v", tc.want, got)
			}
		})
	}
}

func noList(context.Context, string) (map[string]Found, error) {
	panic("the plan listed the scope")
}

// A setting the configuration does not set keeps the server's value; one
// it stopped setting is given back; a new person gets Docker's defaults.
func TestPlanOwnership(t *testing.T) {
	t.Parallel()
	prior := &Roster{
		Unmanaged: tfproto.Known(PolicyIgnore), Filter: tfproto.NullStr(),
		Users:          map[string]*Person{"a@x.example": serverPerson("Ann", "ann00"), "b@x.example": serverPerson("Bob", "bob00")},
		IDs:            map[string]Str{"a@x.example": tfproto.Known("1"), "b@x.example": tfproto.Known("2")},
		UnmanagedUsers: []string{},
	}
	config := &Roster{Filter: tfproto.NullStr(), Unmanaged: tfproto.NullStr(), MaxParallelWrites: Int{Null: true},
		Users: map[string]*Person{"a@x.example": testPerson(""), "b@x.example": testPerson(""), "c@x.example": testPerson("Cy")}}
	priv := &Private{Configured: map[string]person.Configured{"b@x.example": 1 << AttrGivenName}}
	res, err := Plan(context.Background(), prior, config, priv, noList)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Planned
	if got := p.Users["a@x.example"].Attrs[AttrGivenName]; got != tfproto.Known("Ann") {
		t.Errorf("a's given_name, never configured, is %+v: want the server's", got)
	}
	if got := p.Users["b@x.example"].Attrs[AttrGivenName]; !got.Null {
		t.Errorf("b's given_name, no longer configured, is %+v: want given back (null)", got)
	}
	c := p.Users["c@x.example"]
	if c.Attrs[AttrRole] != tfproto.Known("member") || !c.Attrs[AttrDisplayName].Unknown || !c.Active.V || !p.IDs["c@x.example"].Unknown {
		t.Errorf("new person planned %+v, id %+v", c, p.IDs["c@x.example"])
	}
}

// Under delete, the plan names each unmanaged user in a warning, plans
// unmanaged_users empty, and records their ids for apply; a person dropped
// from the roster joins them.
func TestPlanUnmanagedDelete(t *testing.T) {
	t.Parallel()
	prior := &Roster{
		Unmanaged: tfproto.Known(PolicyDelete), Filter: tfproto.NullStr(),
		Users:          map[string]*Person{"a@x.example": serverPerson("Ann", ""), "gone@x.example": serverPerson("G", "")},
		IDs:            map[string]Str{"a@x.example": tfproto.Known("1"), "gone@x.example": tfproto.Known("9")},
		UnmanagedUsers: []string{"eve@x.example"},
	}
	config := &Roster{Filter: tfproto.NullStr(), Unmanaged: tfproto.Known(PolicyDelete), MaxParallelWrites: Int{Null: true},
		Users: map[string]*Person{"a@x.example": testPerson("")}}
	priv := &Private{Unmanaged: map[string]string{"eve@x.example": "7"}}
	res, err := Plan(context.Background(), prior, config, priv, noList)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Planned.UnmanagedUsers) != 0 {
		t.Errorf("unmanaged_users planned %v, want empty", res.Planned.UnmanagedUsers)
	}
	if len(res.Problems) != 2 || res.Problems[0].Severity() != diag.SeverityWarning || !strings.Contains(res.Problems[0].Detail(), "eve@x.example") ||
		!strings.Contains(res.Problems[0].Detail(), "gone@x.example") {
		t.Fatalf("want a warning naming eve and gone, then the counts, got %+v", res.Problems)
	}
	if got := res.Problems[1].Summary(); !strings.Contains(got, "0 to change, 0 to rename, 0 to deactivate, 2 to delete") {
		t.Fatalf("the counts line is %q", got)
	}
	if res.Private.Unmanaged["eve@x.example"] != "7" || res.Private.Unmanaged["gone@x.example"] != "9" {
		t.Errorf("ids for apply: %v", res.Private.Unmanaged)
	}
	acts := unmanagedToActOn(res.Planned, res.Private)
	var who []string
	for lower := range acts {
		who = append(who, lower)
	}
	slices.Sort(who)
	if strings.Join(who, ",") != "eve@x.example,gone@x.example" {
		t.Errorf("apply would act on %v", who)
	}
}

// A new roster lists its scope once, adopts a listed person who exists
// with what the server holds, and never names a listed person unmanaged.
func TestPlanCreateAdopts(t *testing.T) {
	t.Parallel()
	listed := 0
	list := func(context.Context, string) (map[string]Found, error) {
		listed++
		return map[string]Found{
			"a@x.example": {UserName: "A@x.example", ID: "1", Active: true, Person: serverPerson("Ann", "ann00")},
			"z@x.example": {UserName: "z@x.example", ID: "26", Active: true, Person: serverPerson("Zed", "")},
		}, nil
	}
	config := &Roster{Filter: tfproto.NullStr(), Unmanaged: tfproto.NullStr(), MaxParallelWrites: Int{Null: true},
		Users: map[string]*Person{"a@x.example": testPerson("")}}
	res, err := Plan(context.Background(), nil, config, nil, list)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Planned
	if listed != 1 || p.IDs["a@x.example"] != tfproto.Known("1") || p.Users["a@x.example"].Attrs[AttrDisplayName] != tfproto.Known("ann00") {
		t.Fatalf("listed %d times; planned %+v id %+v", listed, p.Users["a@x.example"], p.IDs["a@x.example"])
	}
	// Under ignore, a plan that listed plans unmanaged_users unknown: the
	// CLIs plan again in the apply walk, after other resources' writes.
	if !p.UnmanagedUsersUnknown || res.Private.Unmanaged["z@x.example"] != "26" || res.Private.Unmanaged["a@x.example"] != "" {
		t.Fatalf("unmanaged_users %v (unknown %v), ids %v", p.UnmanagedUsers, p.UnmanagedUsersUnknown, res.Private.Unmanaged)
	}
}

// runBounded never has more than n writes in flight.
func TestRunBounded(t *testing.T) {
	t.Parallel()
	var inFlight, peak atomic.Int32
	writes := make([]*write, 50)
	for i := range writes {
		writes[i] = &write{run: func(context.Context) (*scim.User, error) {
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			inFlight.Add(-1)
			return &scim.User{}, nil
		}}
	}
	runBounded(context.Background(), 3, writes)
	if peak.Load() != 3 {
		t.Fatalf("peak in flight %d, want 3", peak.Load())
	}
	for i, w := range writes {
		if w.user == nil || w.err != nil {
			t.Fatalf("write %d did not run: %+v", i, w)
		}
	}
}

func TestOutsideFilter(t *testing.T) {
	t.Parallel()
	p := testPerson("Ann")
	p.Attrs[AttrExternalID] = tfproto.Known("00uA")
	for _, tc := range []struct {
		filter, email string
		outside       bool
	}{
		{`userName ew "@moby.example"`, "a@moby.example", false},
		{`userName ew "@moby.example"`, "a@whale.example", true},
		{`userName ew "@MOBY.example"`, "a@moby.example", false},
		{`userName sw "safe"`, "saf1@x.example", true},
		{`userName sw "saf"`, "safe1@x.example", false},
		{`userName eq "a@x.example" or userName eq "b@x.example"`, "b@x.example", false},
		{`userName eq "a@x.example" or userName eq "b@x.example"`, "c@x.example", true},
		{`userName ew "@x.example" and not (userName sw "bot")`, "bot1@x.example", true},
		{`userName ew "@x.example" and active eq true`, "a@x.example", false},
		{`userName ew "@y.example" or urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerOrg eq "moby"`, "a@x.example", false},
		{`emails[type eq "work"].value ew "@x.example"`, "a@y.example", false},
		{`externalId eq "00uA"`, "a@y.example", false},
		{`externalId eq "00ua"`, "a@y.example", true},
		{`name.familyName eq "X"`, "a@y.example", false},
		{`userName ew`, "a@y.example", false},
		{`(userName ew "@x.example"`, "a@y.example", false},
	} {
		if got := outsideFilter(tc.filter, tc.email, p); got != tc.outside {
			t.Errorf("outsideFilter(%s, %s) = %v, want %v", tc.filter, tc.email, got, tc.outside)
		}
	}
}

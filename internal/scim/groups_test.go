package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// groupHook serves /Groups from one stored group.
func groupHook(f *fakeSCIM, g *Group, patchStatus int) func(http.ResponseWriter, *http.Request, []byte) bool {
	return func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		path := strings.TrimPrefix(r.URL.Path, "/v2/scim/2.0")
		switch {
		case path == "/Groups" && r.Method == "GET":
			var list []*Group
			if r.URL.Query().Get("filter") == EqFilter("displayName", g.DisplayName) {
				list = []*Group{g}
			}
			writeJSON(w, 200, pageOf(list, r, 0))
		case path == "/Groups/"+g.ID && r.Method == "GET":
			writeJSON(w, 200, g)
		case path == "/Groups/"+g.ID && r.Method == "PATCH":
			if patchStatus == 204 {
				w.WriteHeader(204)
			} else {
				writeJSON(w, 200, g)
			}
		default:
			return false
		}
		return true
	}
}

func TestPatchGroupNoContentThenGet(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	g := &Group{ID: "g1", DisplayName: "moby:devs", Members: []Member{{Value: "u1"}}, Meta: &Meta{Version: `W/"3"`}}
	f.setHook(groupHook(f, g, 204))
	got, err := c.RenameGroup(context.Background(), "g1", "moby:devs", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "g1" || len(got.Members) != 1 || got.ETag != `W/"3"` {
		t.Fatalf("got %+v", got)
	}
	if len(f.reqs("PATCH")) != 1 || !strings.Contains(f.reqs("PATCH")[0].Body, `"path":"displayName"`) {
		t.Fatalf("patches %+v", f.reqs("PATCH"))
	}
}

func TestCreateGroupConflictAndAdoption(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	existing := &Group{ID: "g9", DisplayName: "moby:devs"}
	hook := groupHook(f, existing, 200)
	var posts atomic.Int32
	f.setHook(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if r.Method == "POST" {
			if posts.Add(1) == 1 {
				scimError(w, 409, "uniqueness", "displayName taken")
			} else {
				hangUp(w)
			}
			return true
		}
		return hook(w, r, body)
	})
	_, err := c.CreateGroup(context.Background(), &Group{DisplayName: "moby:devs"})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.ExistingID != "g9" || !errors.Is(err, httpx.ErrConflict) {
		t.Fatalf("err = %v", err)
	}
	// Second create: the answer is lost, the group is found and adopted.
	g, err := c.CreateGroup(context.Background(), &Group{DisplayName: "moby:devs"})
	if err != nil || g.ID != "g9" {
		t.Fatalf("g %+v err %v", g, err)
	}
}

func TestListGroupsExcludesMembers(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.setHook(groupHook(f, &Group{ID: "g1", DisplayName: "moby:devs"}, 200))
	if _, err := c.ListGroups(context.Background(), "", false); err != nil {
		t.Fatal(err)
	}
	if q := f.reqs("GET")[1].Query; !strings.Contains(q, "excludedAttributes=members") {
		t.Fatalf("query %s", q)
	}
	if _, err := c.ListGroups(context.Background(), "", true); err != nil {
		t.Fatal(err)
	}
	if q := f.reqs("GET")[2].Query; strings.Contains(q, "excludedAttributes") {
		t.Fatalf("query %s", q)
	}
}

func TestUpdateGroupMembersSendsBatches(t *testing.T) {
	t.Parallel()
	f, c := newFake(t)
	f.setHook(groupHook(f, &Group{ID: "g1", DisplayName: "moby:devs"}, 204))
	current := memberIDs("old", 150)
	desired := append(memberIDs("old", 50), memberIDs("new", 200)...)
	add, remove := MemberDiff(current, desired)
	if len(add) != 200 || len(remove) != 100 {
		t.Fatalf("add %d remove %d", len(add), len(remove))
	}
	if err := c.UpdateGroupMembers(context.Background(), "g1", add, remove, 0); err != nil {
		t.Fatal(err)
	}
	patches := f.reqs("PATCH")
	if len(patches) != 3 {
		t.Fatalf("%d PATCHes, want 3", len(patches))
	}
	for _, p := range patches {
		var body struct{ Operations []PatchOp }
		if err := json.Unmarshal([]byte(p.Body), &body); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(p.Body, `"op":"replace"`) {
			t.Fatalf("member list replaced: %s", p.Body)
		}
	}
	if !strings.Contains(patches[2].Body, `{"op":"remove","path":"members[value eq \"old-149\"]"}`) {
		t.Fatalf("last batch %s", patches[2].Body)
	}
}

func memberIDs(prefix string, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return ids
}

func TestMemberDiffAndBatches(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name             string
		current, desired []string
		batch            int
		wantAdd, wantRem int
		wantBatches      int
	}{
		{"0 members", nil, nil, 0, 0, 0, 0},
		{"1 added", nil, []string{"a"}, 0, 1, 0, 1},
		{"1 removed", []string{"a"}, nil, 0, 0, 1, 1},
		{"1 unchanged", []string{"a"}, []string{"a", "a", ""}, 0, 0, 0, 0},
		{"5000 added", nil, memberIDs("u", 5000), 0, 5000, 0, 50},
		{"5000 removed", memberIDs("u", 5000), nil, 0, 0, 5000, 50},
		{"5000 swapped, batch 1000", memberIDs("u", 5000), memberIDs("v", 5000), 1000, 5000, 5000, 10},
		{"5000 unchanged", memberIDs("u", 5000), memberIDs("u", 5000), 0, 0, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			add, remove := MemberDiff(tc.current, tc.desired)
			if len(add) != tc.wantAdd || len(remove) != tc.wantRem {
				t.Fatalf("add %d remove %d", len(add), len(remove))
			}
			batches := MemberPatchBatches(add, remove, tc.batch)
			if len(batches) != tc.wantBatches {
				t.Fatalf("%d batches, want %d", len(batches), tc.wantBatches)
			}
			size := tc.batch
			if size == 0 {
				size = DefaultMemberBatchSize
			}
			added, removed := map[string]bool{}, map[string]bool{}
			for _, ops := range batches {
				values := 0
				for _, op := range ops {
					switch op.Op {
					case "add":
						for _, m := range op.Value.([]Member) {
							added[m.Value] = true
							values++
						}
					case "remove":
						id := strings.TrimSuffix(strings.TrimPrefix(op.Path, `members[value eq "`), `"]`)
						removed[id] = true
						values++
					default:
						t.Fatalf("op %q", op.Op)
					}
				}
				if values == 0 || values > size {
					t.Fatalf("batch of %d values (max %d)", values, size)
				}
			}
			if len(added) != tc.wantAdd || len(removed) != tc.wantRem {
				t.Fatalf("batches add %d remove %d", len(added), len(removed))
			}
		})
	}
}

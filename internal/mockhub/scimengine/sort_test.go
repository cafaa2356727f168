package scimengine

import (
	"slices"
	"strings"
	"testing"
)

func TestComparator(t *testing.T) {
	users := map[string]Resource{
		"a": {"id": "a", "userName": "alice", "name": map[string]any{"familyName": "Zed"}, "active": true,
			"emails":  []any{map[string]any{"value": "z@x"}, map[string]any{"value": "a@x", "primary": true}},
			"meta":    map[string]any{"lastModified": "2020-01-01T00:00:00Z"},
			dockerExt: map[string]any{"dockerRole": "owner"}},
		"b": {"id": "b", "userName": "Bob", "name": map[string]any{"familyName": "young"}, "active": false,
			"emails": []any{map[string]any{"value": "m@x"}},
			"meta":   map[string]any{"lastModified": "2020-01-01T01:00:00+02:00"}},
		"c": {"id": "c", "userName": "carol", "active": "True",
			"meta":    map[string]any{"lastModified": "2019-12-31T23:30:00Z"},
			dockerExt: map[string]any{"dockerRole": "editor"}},
		"d": {"id": "D", "userName": "ALICE2"},
	}
	tests := []struct {
		sortBy, sortOrder, want string
	}{
		{"userName", "", "adbc"},
		{"userName", "ascending", "adbc"},
		{"USERNAME", "Descending", "cbda"},
		{"id", "", "dabc"},              // caseExact: "D" sorts before "a",
		{"name.familyName", "", "bacd"}, // "young" before "Zed": not caseExact,
		{"name.familyName", "descending", "cdab"},
		{"emails", "", "abcd"},
		{"emails.value", "", "abcd"},
		{"active", "", "bacd"},
		{"meta.lastModified", "", "bcad"},
		{"meta.lastModified", "DESCENDING", "dacb"},
		{"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole", "", "cabd"},
		{"", "", "abcd"},
	}
	for _, tt := range tests {
		t.Run(tt.sortBy+" "+tt.sortOrder, func(t *testing.T) {
			cmp, err := Comparator(UserResourceType, tt.sortBy, tt.sortOrder)
			if err != nil {
				t.Fatal(err)
			}
			keys := []string{"a", "b", "c", "d"}
			slices.SortStableFunc(keys, func(x, y string) int { return cmp(users[x], users[y]) })
			if got := strings.Join(keys, ""); got != tt.want {
				t.Errorf("order = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestComparatorTies(t *testing.T) {
	cmp, err := Comparator(UserResourceType, "userName", "")
	if err != nil {
		t.Fatal(err)
	}
	if c := cmp(Resource{"id": "1", "userName": "X"}, Resource{"id": "2", "userName": "x"}); c != 0 {
		t.Errorf("tie compared %d", c)
	}
	if c := cmp(Resource{"id": "1"}, Resource{"id": "2"}); c != 0 {
		t.Errorf("missing values compared %d", c)
	}
}

func TestComparatorErrors(t *testing.T) {
	tests := []struct {
		sortBy, sortOrder, detail string
	}{
		{"nope", "", "nope"},
		{"name", "", "name"},
		{"name.nope", "", "name.nope"},
		{"members", "", "members"},
		{"urn:ietf:params:scim:schemas:extension:docker:2.0:User", "", "docker"},
		{"userName", "up", "up"},
		{"password", "", "password"},
	}
	for _, tt := range tests {
		t.Run(tt.sortBy+" "+tt.sortOrder, func(t *testing.T) {
			_, err := Comparator(UserResourceType, tt.sortBy, tt.sortOrder)
			checkErr(t, err, ScimTypeInvalidValue, tt.detail)
		})
	}
}

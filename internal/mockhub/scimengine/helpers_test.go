package scimengine

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const (
	userID  = "2819c223-7f76-453a-919d-413861904646"
	groupID = "e9e30dba-f08f-4109-8486-d5c6a331660a"
)

// sampleUserJSON is RFC 7643 §8.2's full user, trimmed, with Docker's
// extension: what mockhub stores after a POST.
const sampleUserJSON = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
  "id": "2819c223-7f76-453a-919d-413861904646",
  "externalId": "701984",
  "userName": "bjensen@example.com",
  "name": {"formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen", "givenName": "Barbara"},
  "displayName": "Babs Jensen",
  "nickName": "Babs",
  "title": "Tour Guide",
  "userType": "Employee",
  "active": true,
  "password": "t1meMa$heen",
  "emails": [
    {"value": "bjensen@example.com", "type": "work", "primary": true},
    {"value": "babs@jensen.org", "type": "home"}
  ],
  "phoneNumbers": [{"value": "555-555-8377", "type": "work"}],
  "groups": [{"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides", "type": "direct"}],
  "meta": {
    "resourceType": "User",
    "created": "2010-01-23T04:56:22Z",
    "lastModified": "2011-05-13T04:42:34Z",
    "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646",
    "version": "W/\"3694e05e9dff591\""
  },
  "urn:ietf:params:scim:schemas:extension:docker:2.0:User": {"dockerRole": "owner", "dockerOrg": "moby", "dockerTeam": "devs"}
}`

const sampleGroupJSON = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
  "displayName": "moby:Tour Guides",
  "members": [
    {"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs Jensen", "type": "User"},
    {"value": "902c246b-6245-4190-8e05-00816be7344a", "display": "Mandy Pepperidge", "type": "User"}
  ],
  "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff592\""}
}`

func decode(t testing.TB, s string) Resource {
	t.Helper()
	var r Resource
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return r
}

func decodeAny(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func sampleUser(t testing.TB) Resource  { return decode(t, sampleUserJSON) }
func sampleGroup(t testing.TB) Resource { return decode(t, sampleGroupJSON) }

// checkErr fails unless err is a 400 *Error with the given scimType whose
// detail contains every fragment.
func checkErr(t *testing.T, err error, scimType string, fragments ...string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Error %s", err, err, scimType)
	}
	if e.Status != 400 || e.SCIMType != scimType {
		t.Fatalf("error = %d %s %q, want 400 %s", e.Status, e.SCIMType, e.Detail, scimType)
	}
	for _, f := range fragments {
		if !strings.Contains(e.Detail, f) {
			t.Errorf("detail %q does not contain %q", e.Detail, f)
		}
	}
}

// get walks a resource along keys ("emails", 0, "value").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func jsonEqual(t *testing.T, got any, want string) {
	t.Helper()
	w := decodeAny(t, want)
	g := decodeAny(t, mustJSON(t, got))
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got  %s\nwant %s", mustJSON(t, got), mustJSON(t, w))
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

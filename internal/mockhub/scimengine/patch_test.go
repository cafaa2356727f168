package scimengine

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

func decodeOps(t testing.TB, s string) []PatchOperation {
	t.Helper()
	var ops []PatchOperation
	if err := json.Unmarshal([]byte(s), &ops); err != nil {
		t.Fatalf("decode ops %s: %v", s, err)
	}
	return ops
}

const dockerExt = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"

func TestApplyPatchUser(t *testing.T) {
	tests := []struct {
		name  string
		ops   string
		check func(t *testing.T, r Resource)
	}{
		{"replace simple attribute", `[{"op":"replace","path":"displayName","value":"Barbara"}]`,
			func(t *testing.T, r Resource) { want(t, r["displayName"], "Barbara") }},
		{"path ignores case and output keeps schema spelling", `[{"op":"replace","path":"DISPLAYNAME","value":"Barbara"}]`,
			func(t *testing.T, r Resource) {
				want(t, r["displayName"], "Barbara")
				want(t, r["DISPLAYNAME"], nil)
			}},
		{"Entra capitalised op names", `[{"op":"Replace","path":"title","value":"Boss"},{"op":"Add","path":"nickName","value":"B"},{"op":"Remove","path":"userType"}]`,
			func(t *testing.T, r Resource) {
				want(t, r["title"], "Boss")
				want(t, r["nickName"], "B")
				want(t, r["userType"], nil)
			}},
		{"Entra string boolean False", `[{"op":"Replace","path":"active","value":"False"}]`,
			func(t *testing.T, r Resource) { want(t, r["active"], false) }},
		{"string boolean true in no-path value", `[{"op":"replace","value":{"active":"true"}}]`,
			func(t *testing.T, r Resource) { want(t, r["active"], true) }},
		{"Okta deactivation", `[{"op":"replace","value":{"active":false}}]`,
			func(t *testing.T, r Resource) { want(t, r["active"], false) }},
		{"add sets a singular attribute", `[{"op":"add","path":"locale","value":"en-US"}]`,
			func(t *testing.T, r Resource) { want(t, r["locale"], "en-US") }},
		{"sub-attribute", `[{"op":"replace","path":"name.givenName","value":"Babs"}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "name", "givenName"), "Babs")
				want(t, get(r, "name", "familyName"), "Jensen")
			}},
		{"sub-attribute ignores case", `[{"op":"replace","path":"NAME.GIVENNAME","value":"Babs"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, "name", "givenName"), "Babs") }},
		{"replace complex merges sub-attributes", `[{"op":"replace","path":"name","value":{"givenName":"Babs","middleName":"J"}}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "name", "givenName"), "Babs")
				want(t, get(r, "name", "middleName"), "J")
				want(t, get(r, "name", "familyName"), "Jensen")
			}},
		{"urn-qualified core path", `[{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName","value":"Smith"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, "name", "familyName"), "Smith") }},
		{"urn-qualified extension path", `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole","value":"editor"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, dockerExt, "dockerRole"), "editor") }},
		{"urn-qualified extension path ignores case", `[{"op":"Add","path":"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:DOCKER:2.0:USER:DOCKERTEAM","value":"ops"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, dockerExt, "dockerTeam"), "ops") }},
		{"canonical value spelled in another case", `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole","value":"Member"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, dockerExt, "dockerRole"), "member") }},
		{"extension URN as path", `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User","value":{"dockerRole":"member","DockerOrg":"whale"}}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, dockerExt, "dockerRole"), "member")
				want(t, get(r, dockerExt, "dockerOrg"), "whale")
				want(t, get(r, dockerExt, "dockerTeam"), "devs")
			}},
		{"no-path dotted key", `[{"op":"replace","value":{"name.givenName":"Babs","name.familyName":"J"}}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "name", "givenName"), "Babs")
				want(t, get(r, "name", "familyName"), "J")
				want(t, get(r, "name", "formatted"), "Ms. Barbara J Jensen, III")
			}},
		{"no-path URN-qualified key", `[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole":"member"}}]`,
			func(t *testing.T, r Resource) { want(t, get(r, dockerExt, "dockerRole"), "member") }},
		{"no-path URN-qualified core key", `[{"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:User:title":"CEO"}}]`,
			func(t *testing.T, r Resource) { want(t, r["title"], "CEO") }},
		{"no-path extension URN key with object", `[{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerTeam":"ops"}}}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, dockerExt, "dockerTeam"), "ops")
				want(t, get(r, dockerExt, "dockerRole"), "owner")
			}},
		{"no-path unknown keys and schemas are ignored", `[{"op":"replace","value":{"schemas":["x"],"bogus":1,"title":"CEO"}}]`,
			func(t *testing.T, r Resource) { want(t, r["title"], "CEO"); want(t, r["bogus"], nil) }},
		{"no-path readOnly with current value is ignored", `[{"op":"replace","value":{"id":"2819c223-7f76-453a-919d-413861904646","title":"CEO"}}]`,
			func(t *testing.T, r Resource) { want(t, r["title"], "CEO"); want(t, r["id"], userID) }},
		{"no-path readOnly meta echoed unchanged is ignored", `[{"op":"replace","value":{"title":"CEO","meta":{"resourceType":"User","created":"2010-01-23T05:56:22+01:00","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""}}}]`,
			func(t *testing.T, r Resource) {
				want(t, r["title"], "CEO")
				want(t, get(r, "meta", "created"), "2010-01-23T04:56:22Z")
			}},
		{"add to multi-valued appends", `[{"op":"add","path":"emails","value":[{"value":"b@c.d","type":"other"}]}]`,
			func(t *testing.T, r Resource) {
				want(t, len(r["emails"].([]any)), 3)
				want(t, get(r, "emails", 2, "value"), "b@c.d")
			}},
		{"add single object to multi-valued wraps it", `[{"op":"add","path":"emails","value":{"value":"b@c.d"}}]`,
			func(t *testing.T, r Resource) { want(t, get(r, "emails", 2, "value"), "b@c.d") }},
		{"add existing value is skipped", `[{"op":"add","path":"emails","value":[{"value":"BJENSEN@example.com","type":"work"}]}]`,
			func(t *testing.T, r Resource) { want(t, len(r["emails"].([]any)), 2) }},
		{"add primary value clears the other primary", `[{"op":"add","path":"emails","value":[{"value":"new@x.y","primary":"True"}]}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "emails", 0, "primary"), false)
				want(t, get(r, "emails", 2, "primary"), true)
			}},
		{"replace multi-valued replaces the list", `[{"op":"replace","path":"emails","value":[{"value":"only@x.y"}]}]`,
			func(t *testing.T, r Resource) {
				want(t, len(r["emails"].([]any)), 1)
				want(t, get(r, "emails", 0, "value"), "only@x.y")
			}},
		{"replace with value filter and sub-attribute", `[{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@example.com"}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "emails", 0, "value"), "new@example.com")
				want(t, get(r, "emails", 1, "value"), "babs@jensen.org")
			}},
		{"replace with value filter replaces the value", `[{"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"h@x.y","type":"home"}}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "emails", 1, "value"), "h@x.y")
				want(t, len(r["emails"].([]any)), 2)
			}},
		{"Entra add with filter creates the value", `[{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"555-0100"}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "phoneNumbers", 1, "value"), "555-0100")
				want(t, get(r, "phoneNumbers", 1, "type"), "mobile")
			}},
		{"add with filter sets the matching value", `[{"op":"add","path":"emails[type eq \"work\"].display","value":"Work"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, "emails", 0, "display"), "Work") }},
		{"filter values ignore case for caseExact false", `[{"op":"replace","path":"emails[TYPE eq \"WORK\"].value","value":"w@x.y"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, "emails", 0, "value"), "w@x.y") }},
		{"replace filter on absent attribute adds", `[{"op":"remove","path":"phoneNumbers"},{"op":"replace","path":"phoneNumbers[type eq \"work\"].value","value":"1"}]`,
			func(t *testing.T, r Resource) { jsonEqual(t, r["phoneNumbers"], `[{"type":"work","value":"1"}]`) }},
		{"remove attribute", `[{"op":"remove","path":"title"}]`,
			func(t *testing.T, r Resource) { _, ok := r["title"]; want(t, ok, false) }},
		{"remove absent attribute is a no-op", `[{"op":"remove","path":"locale"}]`,
			func(t *testing.T, r Resource) { want(t, r["userName"], "bjensen@example.com") }},
		{"remove sub-attribute", `[{"op":"remove","path":"name.formatted"}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "name", "formatted"), nil)
				want(t, get(r, "name", "givenName"), "Barbara")
			}},
		{"remove with value filter", `[{"op":"remove","path":"emails[type eq \"home\"]"}]`,
			func(t *testing.T, r Resource) { want(t, len(r["emails"].([]any)), 1) }},
		{"remove last value drops the attribute", `[{"op":"remove","path":"phoneNumbers[type eq \"work\"]"}]`,
			func(t *testing.T, r Resource) { _, ok := r["phoneNumbers"]; want(t, ok, false) }},
		{"remove sub-attribute with value filter", `[{"op":"remove","path":"emails[type eq \"work\"].primary"}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, "emails", 0, "primary"), nil)
				want(t, get(r, "emails", 0, "value"), "bjensen@example.com")
			}},
		{"remove multi-valued with value list", `[{"op":"remove","path":"emails","value":[{"value":"babs@jensen.org"}]}]`,
			func(t *testing.T, r Resource) {
				want(t, len(r["emails"].([]any)), 1)
				want(t, get(r, "emails", 0, "value"), "bjensen@example.com")
			}},
		{"remove multi-valued without value removes all", `[{"op":"remove","path":"emails"}]`,
			func(t *testing.T, r Resource) { _, ok := r["emails"]; want(t, ok, false) }},
		{"remove extension attribute", `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerTeam"}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, dockerExt, "dockerTeam"), nil)
				want(t, get(r, dockerExt, "dockerRole"), "owner")
			}},
		{"remove whole extension updates schemas", `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User"}]`,
			func(t *testing.T, r Resource) {
				want(t, r[dockerExt], nil)
				jsonEqual(t, r["schemas"], `["urn:ietf:params:scim:schemas:core:2.0:User"]`)
			}},
		{"adding extension attributes lists the extension", `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User"},{"op":"add","path":"dockerOrg","value":"moby"}]`,
			func(t *testing.T, r Resource) {
				want(t, get(r, dockerExt, "dockerOrg"), "moby")
				jsonEqual(t, r["schemas"], `["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"]`)
			}},
		{"replace with null removes", `[{"op":"replace","path":"title","value":null}]`,
			func(t *testing.T, r Resource) { _, ok := r["title"]; want(t, ok, false) }},
		{"replace with empty string removes", `[{"op":"replace","path":"nickName","value":""}]`,
			func(t *testing.T, r Resource) { _, ok := r["nickName"]; want(t, ok, false) }},
		{"password may be set", `[{"op":"replace","path":"password","value":"s3cret"}]`,
			func(t *testing.T, r Resource) { want(t, r["password"], "s3cret") }},
		{"several operations apply in order", `[{"op":"add","path":"title","value":"A"},{"op":"replace","path":"title","value":"B"}]`,
			func(t *testing.T, r Resource) { want(t, r["title"], "B") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := sampleUser(t)
			before := mustJSON(t, cur)
			got, err := ApplyPatch(UserResourceType, cur, decodeOps(t, tt.ops))
			if err != nil {
				t.Fatalf("ApplyPatch: %v", err)
			}
			if mustJSON(t, cur) != before {
				t.Error("ApplyPatch modified current")
			}
			tt.check(t, got)
			// Untouched parts are kept.
			want(t, got["id"], userID)
			if got["meta"] == nil {
				t.Error("meta lost")
			}
		})
	}
}

func TestApplyPatchGroup(t *testing.T) {
	const (
		m1 = "2819c223-7f76-453a-919d-413861904646"
		m2 = "902c246b-6245-4190-8e05-00816be7344a"
	)
	tests := []struct {
		name  string
		ops   string
		check func(t *testing.T, r Resource)
	}{
		{"add member", `[{"op":"add","path":"members","value":[{"value":"new-1","display":"New"}]}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m1, m2, "new-1") }},
		{"add existing member is skipped", `[{"op":"add","path":"members","value":[{"value":"902c246b-6245-4190-8e05-00816be7344a","display":"Other"}]}]`,
			func(t *testing.T, r Resource) {
				wantMembers(t, r, m1, m2)
				want(t, get(r, "members", 1, "display"), "Mandy Pepperidge")
			}},
		{"add duplicates within one value", `[{"op":"add","path":"members","value":[{"value":"a"},{"value":"a"},{"value":"b"}]}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m1, m2, "a", "b") }},
		{"Entra adds one member per operation", `[{"op":"Add","path":"members","value":[{"value":"a"}]},{"op":"Add","path":"members","value":[{"value":"b"}]},{"op":"Add","path":"members","value":[{"value":"a"}]}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m1, m2, "a", "b") }},
		{"Okta removes a member with a filter", `[{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m2) }},
		{"Entra removes members with a value list", `[{"op":"Remove","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"},{"value":"not-a-member"}]}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m2) }},
		{"remove all members", `[{"op":"remove","path":"members"}]`,
			func(t *testing.T, r Resource) { _, ok := r["members"]; want(t, ok, false) }},
		{"replace members", `[{"op":"replace","path":"members","value":[{"value":"x"}]}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, "x") }},
		{"Okta rename with the current id", `[{"op":"replace","value":{"id":"e9e30dba-f08f-4109-8486-d5c6a331660a","displayName":"moby:Guides"}}]`,
			func(t *testing.T, r Resource) { want(t, r["displayName"], "moby:Guides"); want(t, r["id"], groupID) }},
		{"rename by path", `[{"op":"replace","path":"displayName","value":"moby:Guides"}]`,
			func(t *testing.T, r Resource) { want(t, r["displayName"], "moby:Guides") }},
		{"add then remove in one request", `[{"op":"add","path":"members","value":[{"value":"a"}]},{"op":"remove","path":"members[value eq \"a\"]"},{"op":"add","path":"members","value":[{"value":"a"}]}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m1, m2, "a") }},
		{"change display of a member", `[{"op":"replace","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"].display","value":"Mandy P"}]`,
			func(t *testing.T, r Resource) { want(t, get(r, "members", 1, "display"), "Mandy P") }},
		{"replace a member keeps its immutable value", `[{"op":"replace","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]","value":{"display":"Mandy P"}}]`,
			func(t *testing.T, r Resource) {
				wantMembers(t, r, m1, m2)
				want(t, get(r, "members", 1, "display"), "Mandy P")
			}},
		{"immutable sub-attribute may be added when absent", `[{"op":"add","path":"members","value":[{"display":"nobody"}]},{"op":"add","path":"members[display eq \"nobody\"].value","value":"z"}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m1, m2, "z") }},
		{"immutable set to its current value", `[{"op":"replace","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"].value","value":"902c246b-6245-4190-8e05-00816be7344a"}]`,
			func(t *testing.T, r Resource) { wantMembers(t, r, m1, m2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := sampleGroup(t)
			before := mustJSON(t, cur)
			got, err := ApplyPatch(GroupResourceType, cur, decodeOps(t, tt.ops))
			if err != nil {
				t.Fatalf("ApplyPatch: %v", err)
			}
			if mustJSON(t, cur) != before {
				t.Error("ApplyPatch modified current")
			}
			tt.check(t, got)
		})
	}
}

func TestApplyPatchErrors(t *testing.T) {
	tests := []struct {
		name     string
		rt       *ResourceType
		ops      string
		scimType string
		detail   string
	}{
		{"unknown op", UserResourceType, `[{"op":"update","path":"title","value":"x"}]`, ScimTypeInvalidSyntax, "update"},
		{"empty op", UserResourceType, `[{"path":"title","value":"x"}]`, ScimTypeInvalidSyntax, "op"},
		{"no operations", UserResourceType, `[]`, ScimTypeInvalidSyntax, "operation"},
		{"remove without path", UserResourceType, `[{"op":"remove"}]`, ScimTypeNoTarget, "path"},
		{"remove with filter matching nothing", GroupResourceType, `[{"op":"remove","path":"members[value eq \"nobody\"]"}]`, ScimTypeNoTarget, "members"},
		{"replace with filter matching nothing", UserResourceType, `[{"op":"replace","path":"emails[type eq \"other\"].value","value":"x@y.z"}]`, ScimTypeNoTarget, "emails"},
		{"add with non-eq filter matching nothing", UserResourceType, `[{"op":"add","path":"emails[type co \"zzz\"].value","value":"x@y.z"}]`, ScimTypeNoTarget, "emails"},
		{"replace id", UserResourceType, `[{"op":"replace","path":"id","value":"other"}]`, ScimTypeMutability, "id"},
		{"remove id", UserResourceType, `[{"op":"remove","path":"id"}]`, ScimTypeMutability, "id"},
		{"replace meta", UserResourceType, `[{"op":"replace","path":"meta.lastModified","value":"2020-01-01T00:00:00Z"}]`, ScimTypeMutability, "meta.lastModified"},
		{"replace meta without path", UserResourceType, `[{"op":"replace","value":{"meta":{"version":"x"}}}]`, ScimTypeMutability, "meta"},
		{"add groups to a user", UserResourceType, `[{"op":"add","path":"groups","value":[{"value":"g"}]}]`, ScimTypeMutability, "groups"},
		{"remove groups of a user", UserResourceType, `[{"op":"remove","path":"groups"}]`, ScimTypeMutability, "groups"},
		{"Okta rename with another id", GroupResourceType, `[{"op":"replace","value":{"id":"another","displayName":"x"}}]`, ScimTypeMutability, "id"},
		{"change an immutable member value", GroupResourceType, `[{"op":"replace","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"].value","value":"other"}]`, ScimTypeMutability, "members.value"},
		{"replace a member with another value", GroupResourceType, `[{"op":"replace","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]","value":{"value":"other"}}]`, ScimTypeMutability, "members.value"},
		{"remove an immutable member value", GroupResourceType, `[{"op":"remove","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"].value"}]`, ScimTypeMutability, "members.value"},
		{"unknown path attribute", UserResourceType, `[{"op":"replace","path":"nope","value":"x"}]`, ScimTypeInvalidPath, "nope"},
		{"unknown sub-attribute", UserResourceType, `[{"op":"replace","path":"name.nope","value":"x"}]`, ScimTypeInvalidPath, "name.nope"},
		{"unknown extension", UserResourceType, `[{"op":"replace","path":"urn:example:params:scim:schemas:extension:acme:2.0:User:badgeNumber","value":"1"}]`, ScimTypeInvalidPath, "badgeNumber"},
		{"attribute of the other resource type", UserResourceType, `[{"op":"add","path":"members","value":[{"value":"x"}]}]`, ScimTypeInvalidPath, "members"},
		{"malformed path", UserResourceType, `[{"op":"replace","path":"emails[type eq","value":"x"}]`, ScimTypeInvalidPath, "emails[type eq"},
		{"three-level path", UserResourceType, `[{"op":"replace","path":"name.givenName.x","value":"x"}]`, ScimTypeInvalidPath, "name.givenName.x"},
		{"filter on a simple attribute", UserResourceType, `[{"op":"replace","path":"title[value eq \"x\"]","value":"x"}]`, ScimTypeInvalidPath, "title"},
		{"filter names an unknown sub-attribute", UserResourceType, `[{"op":"remove","path":"emails[nope eq \"x\"]"}]`, ScimTypeInvalidPath, "emails"},
		{"filter with gt on a boolean", UserResourceType, `[{"op":"remove","path":"emails[primary gt true]"}]`, ScimTypeInvalidPath, "emails.primary"},
		{"filter on unknown sub-attribute after filter", UserResourceType, `[{"op":"replace","path":"emails[type eq \"work\"].nope","value":"x"}]`, ScimTypeInvalidPath, "nope"},
		{"boolean that is not one", UserResourceType, `[{"op":"replace","path":"active","value":"maybe"}]`, ScimTypeInvalidValue, "active"},
		{"number for a string", UserResourceType, `[{"op":"replace","path":"userName","value":5}]`, ScimTypeInvalidValue, "userName"},
		{"object for a string", UserResourceType, `[{"op":"replace","value":{"title":{"a":1}}}]`, ScimTypeInvalidValue, "title"},
		{"array for a singular attribute", UserResourceType, `[{"op":"replace","path":"title","value":["a"]}]`, ScimTypeInvalidValue, "title"},
		{"string for a complex attribute", UserResourceType, `[{"op":"replace","path":"name","value":"Babs"}]`, ScimTypeInvalidValue, "name"},
		{"wrong type in a sub-attribute", UserResourceType, `[{"op":"add","path":"emails","value":[{"value":"a@b.c","primary":"yes"}]}]`, ScimTypeInvalidValue, "emails.primary"},
		{"dockerRole outside canonical values", UserResourceType, `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole","value":"admin"}]`, ScimTypeInvalidValue, "dockerRole"},
		{"no-path value that is not an object", UserResourceType, `[{"op":"replace","value":"x"}]`, ScimTypeInvalidValue, "object"},
		{"extension path with a non-object", UserResourceType, `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User","value":"owner"}]`, ScimTypeInvalidValue, "object"},
		{"remove a required attribute", UserResourceType, `[{"op":"remove","path":"userName"}]`, ScimTypeInvalidValue, "userName"},
		{"replace a required attribute with null", GroupResourceType, `[{"op":"replace","path":"displayName","value":null}]`, ScimTypeInvalidValue, "displayName"},
		{"replace a required attribute with empty string", UserResourceType, `[{"op":"replace","value":{"userName":""}}]`, ScimTypeInvalidValue, "userName"},
		{"error names the failing operation", UserResourceType, `[{"op":"replace","path":"title","value":"x"},{"op":"replace","path":"active","value":3}]`, ScimTypeInvalidValue, "operation 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := sampleUser(t)
			if tt.rt == GroupResourceType {
				cur = sampleGroup(t)
			}
			before := mustJSON(t, cur)
			got, err := ApplyPatch(tt.rt, cur, decodeOps(t, tt.ops))
			if got != nil {
				t.Errorf("result returned with error: %v", got)
			}
			checkErr(t, err, tt.scimType, tt.detail)
			if mustJSON(t, cur) != before {
				t.Error("ApplyPatch modified current on error")
			}
		})
	}
}

func TestApplyPatchAtomic(t *testing.T) {
	tests := []struct {
		name string
		rt   *ResourceType
		ops  string
	}{
		{"second op fails after a simple change", UserResourceType,
			`[{"op":"replace","path":"displayName","value":"Changed"},{"op":"replace","path":"id","value":"x"}]`},
		{"second op fails after a nested change", UserResourceType,
			`[{"op":"replace","path":"name.givenName","value":"Changed"},{"op":"replace","path":"emails[type eq \"work\"].value","value":"c@x.y"},{"op":"remove","path":"emails[type eq \"none\"]"}]`},
		{"second op fails after an extension change", UserResourceType,
			`[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole","value":"member"},{"op":"bogus"}]`},
		{"second op fails after member changes", GroupResourceType,
			`[{"op":"add","path":"members","value":[{"value":"n"}]},{"op":"remove","path":"members[value eq \"2819c223-7f76-453a-919d-413861904646\"]"},{"op":"remove","path":"members[value eq \"ghost\"]"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur, pristine := sampleUser(t), sampleUser(t)
			if tt.rt == GroupResourceType {
				cur, pristine = sampleGroup(t), sampleGroup(t)
			}
			got, err := ApplyPatch(tt.rt, cur, decodeOps(t, tt.ops))
			if err == nil || got != nil {
				t.Fatalf("ApplyPatch = %v, %v; want an error and no result", got, err)
			}
			if !reflect.DeepEqual(cur, pristine) {
				t.Errorf("current was modified:\n%s", mustJSON(t, cur))
			}
		})
	}
}

// TestApplyPatchResultIsIndependent checks that the result shares nothing
// with current or with the operations' values.
func TestApplyPatchResultIsIndependent(t *testing.T) {
	cur := sampleGroup(t)
	ops := decodeOps(t, `[{"op":"add","path":"members","value":[{"value":"n"}]}]`)
	got, err := ApplyPatch(GroupResourceType, cur, ops)
	if err != nil {
		t.Fatal(err)
	}
	get(got, "members", 0).(map[string]any)["display"] = "mutated"
	get(got, "members", 2).(map[string]any)["display"] = "mutated"
	if get(cur, "members", 0, "display") == "mutated" {
		t.Error("result shares members with current")
	}
	if get(ops[0].Value, 0, "display") == "mutated" {
		t.Error("result shares values with the operation")
	}
}

func TestApplyPatchLargeGroup(t *testing.T) {
	g := largeGroup(5000)
	var ops []PatchOperation
	for i := range 100 {
		ops = append(ops, PatchOperation{Op: "add", Path: "members", Value: []any{map[string]any{"value": fmt.Sprintf("new-%d", i)}}})
		ops = append(ops, PatchOperation{Op: "Remove", Path: fmt.Sprintf(`members[value eq "member-%d"]`, i)})
	}
	ops = append(ops, PatchOperation{Op: "Remove", Path: "members", Value: []any{map[string]any{"value": "member-4999"}, map[string]any{"value": "new-0"}}})
	got, err := ApplyPatch(GroupResourceType, g, ops)
	if err != nil {
		t.Fatal(err)
	}
	members := got["members"].([]any)
	if len(members) != 5000-100+100-2 {
		t.Fatalf("got %d members", len(members))
	}
	if len(g["members"].([]any)) != 5000 {
		t.Fatal("current modified")
	}
}

// TestApplyPatchGoValues checks operations built in Go rather than decoded.
func TestApplyPatchGoValues(t *testing.T) {
	ops := []PatchOperation{
		{Op: "add", Path: "members", Value: []map[string]any{{"value": "a"}, {"value": "b"}}},
		{Op: "remove", Path: "members", Value: []map[string]string{{"value": "a"}}},
		{Op: "replace", Value: map[string]any{"displayName": "moby:x"}},
	}
	got, err := ApplyPatch(GroupResourceType, sampleGroup(t), ops)
	if err != nil {
		t.Fatal(err)
	}
	wantMembers(t, got, userID, "902c246b-6245-4190-8e05-00816be7344a", "b")
	want(t, got["displayName"], "moby:x")
}

func largeGroup(n int) Resource {
	members := make([]any, n)
	for i := range members {
		members[i] = map[string]any{"value": fmt.Sprintf("member-%d", i), "display": fmt.Sprintf("user%d", i), "type": "User"}
	}
	return Resource{
		"schemas":     []any{GroupSchemaURN},
		"id":          groupID,
		"displayName": "moby:big",
		"members":     members,
		"meta":        map[string]any{"resourceType": "Group"},
	}
}

func want(t *testing.T, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func wantMembers(t *testing.T, r Resource, ids ...string) {
	t.Helper()
	var got []string
	for _, m := range r["members"].([]any) {
		got = append(got, m.(map[string]any)["value"].(string))
	}
	if !reflect.DeepEqual(got, ids) {
		t.Errorf("members = %v, want %v", got, ids)
	}
}

// TestApplyPatchValueRequired: add and replace with a path but no value
// member are refused (RFC 7644 §3.5.2.1, §3.5.2.3), not a silent clear.
func TestApplyPatchValueRequired(t *testing.T) {
	user := sampleUser(t)
	for _, op := range []PatchOperation{
		{Op: "replace", Path: "title", NoValue: true},
		{Op: "Add", Path: "title", NoValue: true},
		{Op: "replace", Path: `emails[type eq "work"].value`, NoValue: true},
	} {
		r, err := ApplyPatch(UserResourceType, user, []PatchOperation{op})
		if r != nil {
			t.Errorf("%+v: applied", op)
		}
		checkErr(t, err, ScimTypeInvalidValue, "needs a value")
	}
	// An explicit null is a value: it clears (RFC 7643 §2.5).
	r, err := ApplyPatch(UserResourceType, user, []PatchOperation{{Op: "replace", Path: "title", Value: nil}})
	if err != nil || r["title"] != nil {
		t.Errorf("replace with null: %v, title %v", err, r["title"])
	}
}

func TestApplyPatchTooManyOperations(t *testing.T) {
	ops := make([]PatchOperation, MaxPatchOperations+1)
	for i := range ops {
		ops[i] = PatchOperation{Op: "replace", Path: "title", Value: fmt.Sprint(i)}
	}
	r, err := ApplyPatch(UserResourceType, sampleUser(t), ops)
	if r != nil {
		t.Error("applied")
	}
	checkErr(t, err, ScimTypeTooMany, "at most")
	if _, err := ApplyPatch(UserResourceType, sampleUser(t), ops[:2]); err != nil {
		t.Error(err)
	}
}

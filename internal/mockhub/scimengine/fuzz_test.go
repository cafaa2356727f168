package scimengine

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`userName eq "bjensen"`,
		`userName Eq "x" and (title pr or not (active eq false))`,
		`emails[type eq "work" and value co "@example.com"]`,
		`emails[not (type eq "work")].value`,
		`meta.lastModified gt "2011-05-13T04:42:34Z"`,
		`urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole eq "owner"`,
		`urn:ietf:params:scim:schemas:core:2.0:User:name.familyName sw "J"`,
		`members[value eq "x"]`,
		`active gt true`,
		`a eq -1.5e+10`,
		`userName eq "\u00E9\"\\"`,
		`((((userName pr))))`,
		`emails[type eq null]`,
		`x[`,
	} {
		f.Add(s)
	}
	user, group := sampleUser(f), sampleGroup(f)
	f.Fuzz(func(t *testing.T, expr string) {
		for _, rt := range []*ResourceType{UserResourceType, GroupResourceType} {
			flt, err := ParseFilter(rt, expr)
			if err != nil {
				if se := (*Error)(nil); !errors.As(err, &se) {
					t.Fatalf("error %T is not *Error", err)
				}
				continue
			}
			flt.Match(user)
			flt.Match(group)
			flt.Match(Resource{})
			flt.Equality()
		}
	})
}

func FuzzApplyPatch(f *testing.F) {
	for _, s := range []string{
		`[{"op":"replace","path":"displayName","value":"x"}]`,
		`[{"op":"Add","path":"emails[type eq \"work\"].value","value":"a@b.c"}]`,
		`[{"op":"Remove","path":"members","value":[{"value":"2819c223-7f76-453a-919d-413861904646"}]}]`,
		`[{"op":"remove","path":"members[value eq \"902c246b-6245-4190-8e05-00816be7344a\"]"}]`,
		`[{"op":"replace","value":{"id":"e9e30dba-f08f-4109-8486-d5c6a331660a","displayName":"y"}}]`,
		`[{"op":"replace","value":{"name.givenName":"B","urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole":"member"}}]`,
		`[{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerTeam":"t"}}}]`,
		`[{"op":"replace","path":"active","value":"False"},{"op":"remove","path":"id"}]`,
		`[{"op":"replace","path":"members[value eq \"x\"].value","value":"y"}]`,
		`[{"op":"add","path":"members","value":{"value":"z"}},{"op":"replace","path":"members","value":null}]`,
		`[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:docker:2.0:User"}]`,
	} {
		f.Add(s)
	}
	user, group := sampleUser(f), sampleGroup(f)
	userJSON, groupJSON := mustJSON(f, user), mustJSON(f, group)
	f.Fuzz(func(t *testing.T, opsJSON string) {
		var ops []PatchOperation
		if json.Unmarshal([]byte(opsJSON), &ops) != nil {
			return
		}
		for _, tc := range []struct {
			rt   *ResourceType
			cur  Resource
			orig string
		}{{UserResourceType, user, userJSON}, {GroupResourceType, group, groupJSON}} {
			got, err := ApplyPatch(tc.rt, tc.cur, ops)
			if mustJSON(t, tc.cur) != tc.orig {
				t.Fatalf("current modified by %s", opsJSON)
			}
			if err != nil {
				if se := (*Error)(nil); !errors.As(err, &se) || got != nil {
					t.Fatalf("ApplyPatch = %v, %T", got, err)
				}
				continue
			}
			// A result must be a valid resource: normalizing it again
			// keeps what the client may write, and must not fail.
			if _, err := Normalize(tc.rt, got); err != nil {
				t.Fatalf("result of %s does not normalize: %v\n%s", opsJSON, err, mustJSON(t, got))
			}
			// And it must be independent of current.
			again := Clone(got)
			if !reflect.DeepEqual(again, got) {
				t.Fatalf("clone differs")
			}
		}
	})
}

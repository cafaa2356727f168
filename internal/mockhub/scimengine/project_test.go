package scimengine

import "testing"

func TestProject(t *testing.T) {
	tests := []struct {
		name               string
		attributes, exclud []string
		want               string
	}{
		{"default drops password", nil, nil, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646","externalId":"701984","userName":"bjensen@example.com",
			"name":{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara"},
			"displayName":"Babs Jensen","nickName":"Babs","title":"Tour Guide","userType":"Employee","active":true,
			"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
			"phoneNumbers":[{"value":"555-555-8377","type":"work"}],
			"groups":[{"value":"e9e30dba-f08f-4109-8486-d5c6a331660a","display":"Tour Guides","type":"direct"}],
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""},
			"urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"owner","dockerOrg":"moby","dockerTeam":"devs"}}`},
		{"attributes keeps always-returned ones", []string{"userName"}, nil, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com",
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""}}`},
		{"attribute names ignore case, sub-attributes select", []string{"USERNAME", "name.givenName", "Emails.Value"}, []string{"meta"}, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com",
			"name":{"givenName":"Barbara"},"emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}],
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""}}`},
		{"URN-qualified names", []string{"urn:ietf:params:scim:schemas:core:2.0:User:displayName", "urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole"}, []string{"id"}, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646","displayName":"Babs Jensen",
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""},
			"urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"owner"}}`},
		{"extension URN selects the extension", []string{"urn:ietf:params:scim:schemas:extension:docker:2.0:User", "password", "nope"}, nil, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646",
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""},
			"urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"owner","dockerOrg":"moby","dockerTeam":"devs"}}`},
		{"excludedAttributes", nil, []string{"emails", "name.formatted", "phoneNumbers", "groups", "id", "meta", "urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerTeam", "title", "nickName", "userType", "nope", "externalId"}, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com",
			"name":{"familyName":"Jensen","givenName":"Barbara"},
			"displayName":"Babs Jensen","active":true,
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""},
			"urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"owner","dockerOrg":"moby"}}`},
		{"excluding the whole extension", []string{"urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole"}, []string{"urn:ietf:params:scim:schemas:extension:docker:2.0:User"}, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646",
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""}}`},
		{"password is never returned", []string{"password"}, nil, `{
			"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			"id":"2819c223-7f76-453a-919d-413861904646",
			"meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","location":"https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646","version":"W/\"3694e05e9dff591\""}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := sampleUser(t)
			before := mustJSON(t, u)
			got, err := Project(UserResourceType, u, tt.attributes, tt.exclud)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, got, tt.want)
			if mustJSON(t, u) != before {
				t.Error("Project modified the resource")
			}
		})
	}
}

func TestProjectGroupAndIndependence(t *testing.T) {
	g := sampleGroup(t)
	g["internalKey"] = "not an attribute"
	got, err := Project(GroupResourceType, g, []string{"members.value"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, got, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e9e30dba-f08f-4109-8486-d5c6a331660a",
		"members":[{"value":"2819c223-7f76-453a-919d-413861904646"},{"value":"902c246b-6245-4190-8e05-00816be7344a"}],
		"meta":{"resourceType":"Group","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","version":"W/\"3694e05e9dff592\""}}`)
	got["meta"].(map[string]any)["version"] = "mutated"
	got["schemas"].([]any)[0] = "mutated"
	if get(g, "meta", "version") == "mutated" || get(g, "schemas", 0) == "mutated" {
		t.Error("projection shares values with the resource")
	}
}

// TestProjectUnknownAttributesOnly: attributes naming nothing known returns
// what is always returned, not the whole resource.
func TestProjectUnknownAttributesOnly(t *testing.T) {
	out, err := Project(UserResourceType, sampleUser(t), []string{"bogus"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range out {
		if k != "id" && k != "schemas" && k != "meta" {
			t.Errorf("attributes=bogus returned %q", k)
		}
	}
	if out["id"] == nil {
		t.Error("id not returned")
	}
}

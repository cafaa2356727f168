package scimengine

import (
	"encoding/json"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		rt   *ResourceType
		body string
		want string
	}{
		{"minimal user", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}`},
		{"keys take the schema spelling", UserResourceType,
			`{"Schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"USERNAME":"bjensen","Name":{"GivenName":"B","familyname":"J"},"EMAILS":[{"VALUE":"a@b.c","Primary":true}]}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","name":{"givenName":"B","familyName":"J"},"emails":[{"value":"a@b.c","primary":true}]}`},
		{"unknown attributes are dropped", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","bogus":1,"name":{"givenName":"B","nope":"x"},"urn:example:other":{"a":1}}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","name":{"givenName":"B"}}`},
		{"readOnly attributes are dropped", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"client-id","userName":"b","meta":{"created":"2010-01-23T04:56:22Z"},"groups":[{"value":"g"}]}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}`},
		{"string booleans are coerced", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","active":"True","emails":[{"value":"a@b.c","primary":"false"}]}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","active":true,"emails":[{"value":"a@b.c","primary":false}]}`},
		{"single object for a multi-valued attribute is wrapped", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":{"value":"a@b.c","type":"work"}}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":[{"value":"a@b.c","type":"work"}]}`},
		{"unassigned values are left out", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","title":null,"nickName":"","emails":[],"name":{}}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}`},
		{"password is kept for the server", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","password":"p"}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","password":"p"}`},
		{"extension object", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"DockerRole":"Owner","dockerOrg":"moby","x":1}}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"owner","dockerOrg":"moby"}}`},
		{"extension URN key in another case", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:DOCKER:2.0:USER":{"dockerTeam":"t"}}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerTeam":"t"}}`},
		{"extension attributes as qualified top-level keys", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole":"editor","urn:ietf:params:scim:schemas:extension:docker:2.0:User.dockerOrg":"moby"}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"editor","dockerOrg":"moby"}}`},
		{"unqualified extension attribute", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","dockerTeam":"t"}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerTeam":"t"}}`},
		{"declared extension without attributes is not listed", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"b"}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b"}`},
		{"dotted and URN-qualified core keys", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"urn:ietf:params:scim:schemas:core:2.0:User:userName":"b","name":{"familyName":"J"},"name.givenName":"B"}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","name":{"givenName":"B","familyName":"J"}}`},
		{"dateTime and reference", UserResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","profileUrl":"https://x.example/b"}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","profileUrl":"https://x.example/b"}`},
		{"group", GroupResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"moby:devs","externalId":"e","members":[{"value":"u1","display":"U","$REF":"https://x/Users/u1"}]}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"moby:devs","externalId":"e","members":[{"value":"u1","display":"U","$ref":"https://x/Users/u1"}]}`},
		{"group members as a single object", GroupResourceType,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":{"value":"u1"}}`,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"g","members":[{"value":"u1"}]}`},
		{"sample user round-trips without readOnly attributes", UserResourceType, sampleUserJSON,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:docker:2.0:User"],
			  "externalId":"701984","userName":"bjensen@example.com",
			  "name":{"formatted":"Ms. Barbara J Jensen, III","familyName":"Jensen","givenName":"Barbara"},
			  "displayName":"Babs Jensen","nickName":"Babs","title":"Tour Guide","userType":"Employee","active":true,"password":"t1meMa$heen",
			  "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
			  "phoneNumbers":[{"value":"555-555-8377","type":"work"}],
			  "urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"owner","dockerOrg":"moby","dockerTeam":"devs"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := decode(t, tt.body)
			before := mustJSON(t, body)
			got, err := Normalize(tt.rt, body)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			jsonEqual(t, got, tt.want)
			if mustJSON(t, body) != before {
				t.Error("Normalize modified the body")
			}
		})
	}
}

func TestNormalizeErrors(t *testing.T) {
	tests := []struct {
		name     string
		rt       *ResourceType
		body     string
		scimType string
		detail   string
	}{
		{"userName as number", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":5}`, ScimTypeInvalidValue, "userName"},
		{"active as maybe", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","active":"maybe"}`, ScimTypeInvalidValue, "active"},
		{"active as number", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","active":1}`, ScimTypeInvalidValue, "active"},
		{"missing userName", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"b"}`, ScimTypeInvalidValue, "userName"},
		{"empty userName", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":""}`, ScimTypeInvalidValue, "userName"},
		{"missing displayName", GroupResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"members":[]}`, ScimTypeInvalidValue, "displayName"},
		{"dockerRole outside canonical values", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User":{"dockerRole":"admin"}}`, ScimTypeInvalidValue, "dockerRole"},
		{"dockerRole as qualified key", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole":"root"}`, ScimTypeInvalidValue, "member, editor, owner"},
		{"extension not an object", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","urn:ietf:params:scim:schemas:extension:docker:2.0:User":"owner"}`, ScimTypeInvalidValue, "object"},
		{"name not an object", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","name":"Babs"}`, ScimTypeInvalidValue, "name"},
		{"title as array", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","title":["a"]}`, ScimTypeInvalidValue, "title"},
		{"email value as number", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":[{"value":1}]}`, ScimTypeInvalidValue, "emails.value"},
		{"nested arrays", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"b","emails":[[{"value":"a"}]]}`, ScimTypeInvalidValue, "emails"},
		{"missing schemas", UserResourceType, `{"userName":"b"}`, ScimTypeInvalidSyntax, "schemas"},
		{"schemas without core", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"b"}`, ScimTypeInvalidSyntax, UserSchemaURN},
		{"schemas not a list", UserResourceType, `{"schemas":"urn:ietf:params:scim:schemas:core:2.0:User","userName":"b"}`, ScimTypeInvalidSyntax, "schemas"},
		{"schemas with a number", UserResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",1],"userName":"b"}`, ScimTypeInvalidSyntax, "schemas"},
		{"group with the user schema", GroupResourceType, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"g"}`, ScimTypeInvalidSyntax, GroupSchemaURN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.rt, decode(t, tt.body))
			if got != nil {
				t.Errorf("result returned with error")
			}
			checkErr(t, err, tt.scimType, tt.detail)
		})
	}
	t.Run("nil body", func(t *testing.T) {
		_, err := Normalize(UserResourceType, nil)
		checkErr(t, err, ScimTypeInvalidSyntax)
	})
}

// TestNormalizeMultiValueRules: RFC 7643 §2.4, at most one primary and no
// repeated type and value.
func TestNormalizeMultiValueRules(t *testing.T) {
	body := func(emails string) Resource {
		var r Resource
		if err := json.Unmarshal([]byte(`{"schemas":["`+UserSchemaURN+`"],"userName":"a@b.example","emails":`+emails+`}`), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, bad := range []string{
		`[{"value":"a@b.example","primary":true},{"value":"c@b.example","primary":"True"}]`,
		`[{"value":"a@b.example","type":"work"},{"value":"A@B.example","type":"Work"}]`,
	} {
		r, err := Normalize(UserResourceType, body(bad))
		if r != nil {
			t.Errorf("%s accepted", bad)
		}
		checkErr(t, err, ScimTypeInvalidValue, "emails")
	}
	for _, good := range []string{
		`[{"value":"a@b.example","primary":true},{"value":"c@b.example","primary":false}]`,
		`[{"value":"a@b.example","type":"work"},{"value":"a@b.example","type":"home"}]`,
	} {
		if _, err := Normalize(UserResourceType, body(good)); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
}

package scimengine

import (
	"encoding/json"
	"testing"
)

func TestSchemaJSON(t *testing.T) {
	for _, s := range Schemas() {
		t.Run(s.Name, func(t *testing.T) {
			got := SchemaJSON(s, "https://hub.example/v2/scim/2.0/")
			if _, err := json.Marshal(got); err != nil {
				t.Fatal(err)
			}
			want(t, got["id"], s.ID)
			want(t, get(got, "schemas", 0), SchemaURN)
			want(t, get(got, "meta", "resourceType"), "Schema")
			want(t, get(got, "meta", "location"), "https://hub.example/v2/scim/2.0/Schemas/"+s.ID)
			want(t, len(got["attributes"].([]any)), len(s.Attributes))
		})
	}
	t.Run("attribute characteristics", func(t *testing.T) {
		got := SchemaJSON(UserSchema, "https://hub.example/v2/scim/2.0")
		byName := map[string]map[string]any{}
		for _, a := range got["attributes"].([]any) {
			m := a.(map[string]any)
			byName[m["name"].(string)] = m
		}
		jsonEqual(t, byName["userName"], `{"name":"userName","type":"string","multiValued":false,
			"description":"Unique identifier for the User, typically used by the user to directly authenticate to the service provider.",
			"required":true,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"server"}`)
		want(t, byName["id"]["caseExact"], true)
		want(t, byName["id"]["returned"], "always")
		want(t, byName["password"]["returned"], "never")
		want(t, byName["password"]["mutability"], "writeOnly")
		want(t, byName["groups"]["mutability"], "readOnly")
		want(t, byName["active"]["type"], "boolean")
		want(t, byName["profileUrl"]["referenceTypes"], []any{"external"})
		want(t, get(byName["emails"], "subAttributes", 2, "canonicalValues"), []any{"work", "home", "other"})
		want(t, get(byName["meta"], "subAttributes", 2, "type"), "dateTime")
	})
	t.Run("docker extension", func(t *testing.T) {
		got := SchemaJSON(DockerUserExtension, "")
		want(t, get(got, "attributes", 0, "name"), "dockerRole")
		want(t, get(got, "attributes", 0, "canonicalValues"), []any{"member", "editor", "owner"})
	})
	t.Run("group members", func(t *testing.T) {
		got := SchemaJSON(GroupSchema, "")
		var members map[string]any
		for _, a := range got["attributes"].([]any) {
			if a.(map[string]any)["name"] == "members" {
				members = a.(map[string]any)
			}
		}
		want(t, members["multiValued"], true)
		want(t, get(members, "subAttributes", 0, "name"), "value")
		want(t, get(members, "subAttributes", 0, "mutability"), "immutable")
		want(t, get(members, "subAttributes", 1, "name"), "$ref")
	})
}

func TestResourceTypeJSON(t *testing.T) {
	jsonEqual(t, ResourceTypeJSON(UserResourceType, "https://hub.example/v2/scim/2.0"), `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
		"id":"User","name":"User","endpoint":"/Users","description":"User Account",
		"schema":"urn:ietf:params:scim:schemas:core:2.0:User",
		"schemaExtensions":[{"schema":"urn:ietf:params:scim:schemas:extension:docker:2.0:User","required":false},{"schema":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","required":false}],
		"meta":{"resourceType":"ResourceType","location":"https://hub.example/v2/scim/2.0/ResourceTypes/User"}}`)
	jsonEqual(t, ResourceTypeJSON(GroupResourceType, "https://hub.example/v2/scim/2.0"), `{
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
		"id":"Group","name":"Group","endpoint":"/Groups","description":"Group",
		"schema":"urn:ietf:params:scim:schemas:core:2.0:Group",
		"meta":{"resourceType":"ResourceType","location":"https://hub.example/v2/scim/2.0/ResourceTypes/Group"}}`)
	want(t, len(ResourceTypes()), 2)
}

func TestClone(t *testing.T) {
	u := sampleUser(t)
	c := Clone(u)
	get(c, "emails", 0).(map[string]any)["value"] = "x"
	get(c, "name").(map[string]any)["givenName"] = "x"
	if get(u, "emails", 0, "value") == "x" || get(u, "name", "givenName") == "x" {
		t.Error("Clone shares values")
	}
	if Clone(nil) != nil {
		t.Error("Clone(nil) != nil")
	}
}

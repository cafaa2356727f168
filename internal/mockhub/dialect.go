package mockhub

// Dialects: which reading of Docker's contract a Server speaks. The choice
// is made once, in New, as a dialect value; handlers read its fields and
// never compare dialect names.

import (
	"fmt"
	"net/http"
	"strings"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// Dialect names a reading of Docker Hub's SCIM and management API.
type Dialect string

const (
	// DialectRFC is the default: SCIM as RFC 7643 and RFC 7644 describe it
	// (what IdPs send today), with Docker's provisioning semantics.
	DialectRFC Dialect = "rfc"
	// DialectPublished follows Docker's published OpenAPI description
	// (docker/docs content/reference/api/hub/latest.yaml) to the letter:
	// SCIM lists under "resources", PUT /Users/{id} takes "enabled"
	// (omitted means false: the user is deactivated), the published
	// ServiceProviderConfig (no PATCH, no ETags, authenticationSchemes an
	// object), no SCIM PATCH, DELETE, /Groups, .search, /Me or /Bulk, and
	// member roles spelled Owner, Member, Invitee.
	DialectPublished Dialect = "published"
)

// Dialects lists the dialects, the default first.
var Dialects = []Dialect{DialectRFC, DialectPublished}

// ParseDialect reads a dialect name; "" is DialectRFC.
func ParseDialect(s string) (Dialect, error) {
	switch d := Dialect(strings.ToLower(strings.TrimSpace(s))); d {
	case "":
		return DialectRFC, nil
	case DialectRFC, DialectPublished:
		return d, nil
	}
	return "", fmt.Errorf("dialect %q is not one of %s, %s", s, DialectRFC, DialectPublished)
}

// dialect is everything that differs between the dialects, decided once.
type dialect struct {
	name Dialect
	// listKey is the member of a SCIM list answer holding the resources.
	listKey string
	// etags: ETag headers, If-Match and If-None-Match, meta.version.
	etags bool
	// scimWrites: SCIM PATCH and DELETE of users, and /Groups.
	scimWrites bool
	// search: POST /Users/.search; me and bulk: /Me and /Bulk answer 501
	// (rather than being unknown paths).
	search, meAndBulk bool
	// putUser reads a PUT /Users/{id} body: the RFC's full replacement, or
	// the published {schemas, name, enabled}.
	putUser func(s *Server) http.HandlerFunc
	// memberRole spells a member's role in management API answers.
	memberRole func(role string) string
	// memberType spells a member's type in management API answers.
	memberType string
	// schemaType spells a SCIM schema attribute's type in /Schemas.
	schemaType func(t string) string
	// resourceTypes and schemas are what discovery serves.
	resourceTypes []*se.ResourceType
	schemas       []*se.Schema
	// serviceProviderConfig is GET /ServiceProviderConfig's body but meta.
	serviceProviderConfig map[string]any
}

func newDialect(d Dialect) (*dialect, error) {
	d, err := ParseDialect(string(d))
	if err != nil {
		return nil, err
	}
	if d == DialectPublished {
		return publishedDialect(), nil
	}
	return rfcDialect(), nil
}

func rfcDialect() *dialect {
	return &dialect{
		name:          DialectRFC,
		listKey:       "Resources",
		etags:         true,
		scimWrites:    true,
		search:        true,
		meAndBulk:     true,
		putUser:       func(s *Server) http.HandlerFunc { return replaceHandler(s, userKind) },
		memberRole:    func(role string) string { return role },
		memberType:    "user",
		schemaType:    func(t string) string { return t },
		resourceTypes: se.ResourceTypes(),
		schemas:       se.Schemas(),
		serviceProviderConfig: map[string]any{
			"schemas":          []string{se.ServiceProviderConfigURN},
			"documentationUri": "https://docs.docker.com/security/for-admins/provisioning/scim/",
			"patch":            map[string]any{"supported": true},
			"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
			"filter":           map[string]any{"supported": true, "maxResults": maxResults},
			"changePassword":   map[string]any{"supported": false},
			"sort":             map[string]any{"supported": true},
			"etag":             map[string]any{"supported": true},
			"authenticationSchemes": []any{map[string]any{
				"type":        "oauthbearertoken",
				"name":        "OAuth Bearer Token",
				"description": "The SCIM API token of the SSO connection, shown once when SCIM is enabled or the token rotated.",
				"primary":     true,
			}},
		},
	}
}

// publishedDialect is Docker's published file read literally. Where the
// file contradicts itself, openapi.yaml's "Dialects" section says which
// side mockhub takes.
func publishedDialect() *dialect {
	return &dialect{
		name:    DialectPublished,
		listKey: "resources",
		putUser: publishedPutUser,
		// The published answer enum is Owner, Member, Invitee; editor, which
		// the published PUT accepts, is answered as Editor rather than
		// hidden as Member.
		memberRole: func(role string) string {
			if role == "" {
				return role
			}
			return strings.ToUpper(role[:1]) + role[1:]
		},
		memberType: "User",
		// Published attribute types are string, boolean and complex only.
		schemaType: func(t string) string {
			switch t {
			case "boolean", "complex":
				return t
			}
			return "string"
		},
		resourceTypes: []*se.ResourceType{se.UserResourceType},
		// The User type's extensions stay: IdPs send them.
		schemas: []*se.Schema{se.UserSchema, se.DockerUserExtension, se.EnterpriseUserExtension},
		serviceProviderConfig: map[string]any{
			"schemas":          []string{se.ServiceProviderConfigURN},
			"documentationUri": "",
			"patch":            map[string]any{"supported": false},
			"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
			"filter":           map[string]any{"supported": true, "maxResults": maxResults},
			"changePassword":   map[string]any{"supported": false},
			"sort":             map[string]any{"supported": true},
			"etag":             map[string]any{"supported": false},
			"authenticationSchemes": map[string]any{
				"name":        "OAuth 2.0 Bearer Token",
				"description": "The OAuth 2.0 Bearer Token Authentication scheme: the SCIM API token of the SSO connection.",
				"specUri":     "http://tools.ietf.org/html/rfc6750",
				"type":        "oauthbearertoken",
			},
		},
	}
}

// schemaJSON renders a schema with the dialect's attribute types.
func (d *dialect) schemaJSON(sc *se.Schema, base string) se.Resource {
	out := se.SchemaJSON(sc, base)
	if attrs, ok := out["attributes"].([]any); ok {
		d.retype(attrs)
	}
	return out
}

func (d *dialect) retype(attrs []any) {
	for _, a := range attrs {
		m, ok := a.(map[string]any)
		if !ok {
			continue
		}
		if t, ok := m["type"].(string); ok {
			m["type"] = d.schemaType(t)
		}
		if sub, ok := m["subAttributes"].([]any); ok {
			d.retype(sub)
		}
	}
}

// publishedPutUser answers PUT /Users/{id} as the published file describes
// it: the body is {schemas, name, enabled}. name changes only the parts it
// carries and never clears one; enabled defaults to false, so a body
// without it deactivates the user. Every other member (userName, active,
// emails, displayName, the Docker extension) is not part of the published
// request and is ignored: with both active and enabled, enabled decides.
func publishedPutUser(s *Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := scimBody(w, r)
		if body == nil {
			return
		}
		in, err := parsePublishedPut(body)
		if err != nil {
			writeSCIMErr(w, err)
			return
		}
		mutateResource(s, w, r, userKind, func(st *store, c *connection, u *scimUser) (bool, error) {
			next := &userInput{
				ExternalID: u.ExternalID, UserName: u.UserName, Name: u.Name, DisplayName: u.DisplayName,
				Active: in.enabled, ActiveSet: true, Emails: u.Emails, Role: u.Role, Org: u.Org, Team: u.Team, Extra: u.Extra,
			}
			if in.givenName != nil {
				next.Name.GivenName = *in.givenName
			}
			if in.familyName != nil {
				next.Name.FamilyName = *in.familyName
			}
			return false, st.updateUser(c, u, next)
		})
	}
}

type publishedPut struct {
	enabled               bool
	givenName, familyName *string // nil: left as it is
}

func parsePublishedPut(body map[string]any) (*publishedPut, error) {
	var in publishedPut
	var schemas []any
	for k, v := range body {
		switch strings.ToLower(k) {
		case "schemas":
			l, ok := v.([]any)
			if !ok {
				return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "schemas must be a list of schema URNs")
			}
			schemas = l
		case "enabled":
			b, ok := boolish(v)
			if !ok && v != nil {
				return nil, scimErr(http.StatusBadRequest, "invalidValue", "enabled must be a boolean")
			}
			in.enabled = b
		case "name":
			m, ok := v.(map[string]any)
			if !ok {
				if v != nil {
					return nil, scimErr(http.StatusBadRequest, "invalidValue", "name must be an object with givenName and familyName")
				}
				continue
			}
			for nk, nv := range m {
				sv, ok := nv.(string)
				if !ok || sv == "" {
					continue // never cleared
				}
				switch strings.ToLower(nk) {
				case "givenname":
					in.givenName = &sv
				case "familyname":
					in.familyName = &sv
				}
			}
		}
	}
	hasUser := false
	for _, s := range schemas {
		if str, _ := s.(string); strings.EqualFold(str, se.UserSchemaURN) {
			hasUser = true
		}
	}
	if !hasUser {
		return nil, scimErr(http.StatusBadRequest, "invalidSyntax", "schemas must include %s", se.UserSchemaURN)
	}
	return &in, nil
}

package scim

import (
	"bytes"
	"encoding/json"
)

// Schema and message URNs from RFC 7643 and 7644, and Docker's extension.
const (
	SchemaUser            = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup           = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaDockerUser      = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"
	SchemaPatchOp         = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaListResponse    = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaError           = "urn:ietf:params:scim:api:messages:2.0:Error"
	SchemaServiceProvider = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
)

// User is a SCIM user with Docker's extension.
type User struct {
	ID          string           `json:"id,omitempty"`
	Schemas     []string         `json:"schemas,omitempty"`
	ExternalID  string           `json:"externalId,omitempty"`
	UserName    string           `json:"userName,omitempty"`
	Name        *Name            `json:"name,omitempty"`
	DisplayName string           `json:"displayName,omitempty"`
	Active      *bool            `json:"active,omitempty"`
	Emails      []Email          `json:"emails,omitempty"`
	Groups      []GroupRef       `json:"groups,omitempty"` // read-only: never sent
	Docker      *DockerExtension `json:"urn:ietf:params:scim:schemas:extension:docker:2.0:User,omitempty"`
	Meta        *Meta            `json:"meta,omitempty"`

	// ETag is the version to send in If-Match: the ETag header of the
	// response, else meta.version.
	ETag string `json:"-"`
}

// IsActive reports the user's active flag; an absent flag counts as active,
// which is what a SCIM server assumes at creation.
func (u *User) IsActive() bool { return u.Active == nil || *u.Active }

// Name is a user's structured name.
type Name struct {
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
	Formatted  string `json:"formatted,omitempty"`
}

// Email is one of a user's email addresses.
type Email struct {
	Value   string `json:"value,omitempty"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
	Display string `json:"display,omitempty"`
}

// GroupRef is a group a user belongs to, as the server reports it.
type GroupRef struct {
	Value   string `json:"value,omitempty"`
	Display string `json:"display,omitempty"`
	Ref     string `json:"$ref,omitempty"`
}

// DockerExtension holds Docker's provisioning attributes.
type DockerExtension struct {
	Role string `json:"dockerRole,omitempty"` // member, editor or owner
	Org  string `json:"dockerOrg,omitempty"`
	Team string `json:"dockerTeam,omitempty"`
}

// Meta is a resource's metadata. Times are kept as the server sent them.
type Meta struct {
	ResourceType string `json:"resourceType,omitempty"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location,omitempty"`
	Version      string `json:"version,omitempty"`
}

// etagOr returns etag (from the ETag header), else the meta.version that
// servers without ETag headers report instead.
func etagOr(etag string, m *Meta) string {
	if etag == "" && m != nil {
		return m.Version
	}
	return etag
}

// Group is a SCIM group; Docker maps "org:team" display names onto teams.
type Group struct {
	ID          string   `json:"id,omitempty"`
	Schemas     []string `json:"schemas,omitempty"`
	DisplayName string   `json:"displayName,omitempty"`
	ExternalID  string   `json:"externalId,omitempty"`
	Members     []Member `json:"members,omitempty"`
	Meta        *Meta    `json:"meta,omitempty"`

	// ETag is the version to send in If-Match (see User.ETag).
	ETag string `json:"-"`
}

// Member is one member of a group; Value is the member's id.
type Member struct {
	Value   string `json:"value,omitempty"`
	Display string `json:"display,omitempty"`
	Ref     string `json:"$ref,omitempty"`
	Type    string `json:"type,omitempty"`
}

// PatchOp is one operation of a PATCH request (RFC 7644 §3.5.2).
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// ServiceProviderConfig is what the server says it supports (RFC 7643 §5).
type ServiceProviderConfig struct {
	Schemas               []string              `json:"schemas,omitempty"`
	Patch                 Supported             `json:"patch"`
	Bulk                  BulkSupport           `json:"bulk"`
	Filter                FilterSupport         `json:"filter"`
	ChangePassword        Supported             `json:"changePassword"`
	Sort                  Supported             `json:"sort"`
	ETag                  Supported             `json:"etag"`
	AuthenticationSchemes AuthenticationSchemes `json:"authenticationSchemes,omitempty"`
}

// Supported is a feature flag of the ServiceProviderConfig.
type Supported struct {
	Supported bool `json:"supported"`
}

// BulkSupport describes bulk operations.
type BulkSupport struct {
	Supported      bool `json:"supported"`
	MaxOperations  int  `json:"maxOperations,omitempty"`
	MaxPayloadSize int  `json:"maxPayloadSize,omitempty"`
}

// FilterSupport describes filtering; MaxResults bounds a page.
type FilterSupport struct {
	Supported  bool `json:"supported"`
	MaxResults int  `json:"maxResults,omitempty"`
}

// AuthenticationSchemes are the ways the server accepts credentials. RFC
// 7643 §5 makes it a list; Docker publishes one object, read as a list of
// one.
type AuthenticationSchemes []AuthenticationScheme

// UnmarshalJSON reads a list of schemes or a single one.
func (a *AuthenticationSchemes) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
		var one AuthenticationScheme
		if err := json.Unmarshal(trimmed, &one); err != nil {
			return err
		}
		*a = AuthenticationSchemes{one}
		return nil
	}
	var list []AuthenticationScheme
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	*a = list
	return nil
}

// AuthenticationScheme is one way the server accepts credentials.
type AuthenticationScheme struct {
	Type        string `json:"type,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
}

// listResponse is a page of a list (RFC 7644 §3.4.2). encoding/json matches
// keys case-insensitively, so "Resources" and Docker's "resources" both land
// in Resources.
type listResponse[T any] struct {
	TotalResults *int `json:"totalResults"`
	StartIndex   int  `json:"startIndex"`
	ItemsPerPage int  `json:"itemsPerPage"`
	Resources    []*T `json:"Resources"`
}

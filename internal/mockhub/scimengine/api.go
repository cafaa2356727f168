// Package scimengine is mockhub's schema-driven SCIM 2.0 engine (RFC 7643 and
// RFC 7644). Schemas are data; one engine evaluates filters, applies PATCH
// operations, normalises request bodies, projects and sorts every resource
// type from them. It knows nothing of HTTP or of Docker.
package scimengine

// Resource is a SCIM resource as decoded JSON: attribute names in their
// schema spelling, extension attributes nested under their schema URN.
type Resource = map[string]any

// Schema URNs.
const (
	UserSchemaURN              = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupSchemaURN             = "urn:ietf:params:scim:schemas:core:2.0:Group"
	DockerUserExtensionURN     = "urn:ietf:params:scim:schemas:extension:docker:2.0:User"
	EnterpriseUserExtensionURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	ListResponseURN            = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	PatchOpURN                 = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	ErrorURN                   = "urn:ietf:params:scim:api:messages:2.0:Error"
	ServiceProviderConfigURN   = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	ResourceTypeURN            = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	SchemaURN                  = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

// Error is a SCIM error: the HTTP status, the RFC 7644 scimType where the RFC
// names one (invalidFilter, invalidSyntax, invalidValue, invalidPath,
// noTarget, mutability, uniqueness, tooMany), and a human detail.
type Error struct {
	Status   int
	SCIMType string
	Detail   string
}

func (e *Error) Error() string { return e.Detail }

// Attribute describes one attribute as RFC 7643 §7 does.
type Attribute struct {
	Name            string
	Type            string // string, boolean, decimal, integer, dateTime, reference, binary, complex
	MultiValued     bool
	Description     string
	Required        bool
	CaseExact       bool
	Mutability      string // readOnly, readWrite, immutable, writeOnly
	Returned        string // always, never, default, request
	Uniqueness      string // none, server, global
	CanonicalValues []string
	ReferenceTypes  []string
	SubAttributes   []*Attribute
}

// Schema is a schema definition, served at /Schemas/{ID}.
type Schema struct {
	ID          string
	Name        string
	Description string
	Attributes  []*Attribute
}

// SchemaExtension names an extension schema of a resource type.
type SchemaExtension struct {
	Schema   string
	Required bool
}

// ResourceType ties an endpoint to its core schema and extensions.
type ResourceType struct {
	ID          string // "User"
	Name        string // "User"
	Endpoint    string // "/Users"
	Description string
	Schema      *Schema
	Extensions  []*Schema
}

// Filter is a parsed RFC 7644 §3.4.2.2 filter bound to a resource type.
type Filter struct {
	impl filterImpl
}

// PatchOperation is one operation of a PATCH request, as sent: op and path
// are kept verbatim so that the engine can accept what real IdPs send.
type PatchOperation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
	// NoValue records that the operation had no "value" member at all,
	// which add and replace require; a JSON null is a value (Value nil,
	// NoValue false). The decoder of the request sets it.
	NoValue bool `json:"-"`
}

package scimengine

import "strings"

// Attribute data types (RFC 7643 §2.3).
const (
	typeString    = "string"
	typeBoolean   = "boolean"
	typeDecimal   = "decimal"
	typeInteger   = "integer"
	typeDateTime  = "dateTime"
	typeReference = "reference"
	typeBinary    = "binary"
	typeComplex   = "complex"
)

// Mutability and returned characteristics (RFC 7643 §7).
const (
	mutReadOnly  = "readOnly"
	mutReadWrite = "readWrite"
	mutImmutable = "immutable"
	mutWriteOnly = "writeOnly"

	retAlways  = "always"
	retNever   = "never"
	retDefault = "default"
	retRequest = "request"
)

// attr builds an attribute with the RFC 7643 defaults (string, readWrite,
// returned default, uniqueness none, caseExact false), which opts adjust;
// it keeps the schema tables below readable.
func attr(name, description string, opts ...func(*Attribute)) *Attribute {
	a := &Attribute{
		Name:        name,
		Type:        typeString,
		Description: description,
		Mutability:  mutReadWrite,
		Returned:    retDefault,
		Uniqueness:  "none",
	}
	for _, o := range opts {
		o(a)
	}
	return a
}

func ofType(t string) func(*Attribute) { return func(a *Attribute) { a.Type = t } }

func multi(a *Attribute)     { a.MultiValued = true }
func required(a *Attribute)  { a.Required = true }
func caseExact(a *Attribute) { a.CaseExact = true }
func readOnly(a *Attribute)  { a.Mutability = mutReadOnly }
func immutable(a *Attribute) { a.Mutability = mutImmutable }
func uniqueServer(a *Attribute) {
	a.Uniqueness = "server"
}

func returned(r string) func(*Attribute) { return func(a *Attribute) { a.Returned = r } }

func canonical(values ...string) func(*Attribute) {
	return func(a *Attribute) { a.CanonicalValues = values }
}

func references(types ...string) func(*Attribute) {
	return func(a *Attribute) { a.Type = typeReference; a.ReferenceTypes = types }
}

func subs(sub ...*Attribute) func(*Attribute) {
	return func(a *Attribute) { a.Type = typeComplex; a.SubAttributes = sub }
}

// Common attributes (RFC 7643 §3.1). They are listed in each core schema, as
// §3.1 allows for backward compatibility, so that one lookup finds them.
func idAttribute() *Attribute {
	return attr("id", "Unique identifier for the SCIM resource as defined by the service provider.",
		required, caseExact, readOnly, returned(retAlways), uniqueServer)
}

func externalIDAttribute() *Attribute {
	return attr("externalId", "A String that is an identifier for the resource as defined by the provisioning client.",
		caseExact)
}

func metaAttribute() *Attribute {
	return attr("meta", "A complex attribute containing resource metadata.", readOnly, returned(retAlways), subs(
		attr("resourceType", "The name of the resource type of the resource.", caseExact, readOnly),
		attr("created", "The DateTime that the resource was added to the service provider.", ofType(typeDateTime), readOnly),
		attr("lastModified", "The most recent DateTime that the details of this resource were updated at the service provider.", ofType(typeDateTime), readOnly),
		attr("location", "The URI of the resource being returned.", references("uri"), caseExact, readOnly),
		attr("version", "The version of the resource being returned.", caseExact, readOnly),
	))
}

// multiValuedStrings is the sub-attribute set RFC 7643 §2.4 gives every
// multi-valued complex attribute such as emails and phoneNumbers.
func multiValuedStrings(valueDescription string, typeValues ...string) func(*Attribute) {
	return subs(
		attr("value", valueDescription),
		attr("display", "A human-readable name, primarily used for display purposes."),
		attr("type", "A label indicating the attribute's function.", canonical(typeValues...)),
		attr("primary", "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.", ofType(typeBoolean)),
	)
}

// UserSchema is the RFC 7643 §4.1 User schema, with the common attributes.
var UserSchema = &Schema{
	ID:          UserSchemaURN,
	Name:        "User",
	Description: "User Account",
	Attributes: []*Attribute{
		idAttribute(),
		externalIDAttribute(),
		attr("userName", "Unique identifier for the User, typically used by the user to directly authenticate to the service provider.",
			required, uniqueServer),
		attr("name", "The components of the user's real name.", subs(
			attr("formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display."),
			attr("familyName", "The family name of the User, or last name in most Western languages."),
			attr("givenName", "The given name of the User, or first name in most Western languages."),
			attr("middleName", "The middle name(s) of the User."),
			attr("honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages."),
			attr("honorificSuffix", "The honorific suffix(es) of the User, or suffix in most Western languages."),
		)),
		attr("displayName", "The name of the User, suitable for display to end-users."),
		attr("nickName", "The casual way to address the user in real life."),
		attr("profileUrl", "A fully qualified URL pointing to a page representing the User's online profile.", references("external")),
		attr("title", "The user's title, such as \"Vice President\"."),
		attr("userType", "Used to identify the relationship between the organization and the user."),
		attr("preferredLanguage", "Indicates the User's preferred written or spoken language."),
		attr("locale", "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
		attr("timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
		attr("active", "A Boolean value indicating the User's administrative status.", ofType(typeBoolean)),
		attr("password", "The User's cleartext password, never returned.", func(a *Attribute) { a.Mutability = mutWriteOnly }, returned(retNever)),
		attr("emails", "Email addresses for the user.", multi,
			multiValuedStrings("Email addresses for the user.", "work", "home", "other")),
		attr("phoneNumbers", "Phone numbers for the User.", multi,
			multiValuedStrings("Phone number of the User.", "work", "home", "mobile", "fax", "pager", "other")),
		attr("groups", "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
			multi, readOnly, subs(
				attr("value", "The identifier of the User's group.", caseExact, readOnly),
				attr("$ref", "The URI of the corresponding 'Group' resource to which the user belongs.", references("User", "Group"), caseExact, readOnly),
				attr("display", "A human-readable name, primarily used for display purposes.", readOnly),
				attr("type", "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", canonical("direct", "indirect"), readOnly),
			)),
		metaAttribute(),
	},
}

// GroupSchema is the RFC 7643 §4.2 Group schema, with the common attributes.
var GroupSchema = &Schema{
	ID:          GroupSchemaURN,
	Name:        "Group",
	Description: "Group",
	Attributes: []*Attribute{
		idAttribute(),
		externalIDAttribute(),
		attr("displayName", "A human-readable name for the Group.", required, uniqueServer),
		attr("members", "A list of members of the Group.", multi, subs(
			attr("value", "Identifier of the member of this Group.", caseExact, immutable),
			attr("$ref", "The URI corresponding to a SCIM resource that is a member of this Group.", references("User", "Group"), caseExact, immutable),
			attr("display", "A human-readable name, primarily used for display purposes."),
			attr("type", "A label indicating the type of resource, e.g., 'User' or 'Group'.", canonical("User", "Group"), immutable),
		)),
		metaAttribute(),
	},
}

// dockerRole is kept in a variable because, unlike the RFC's "type"
// suggestions, its canonical values are the only values Docker accepts.
var dockerRole = attr("dockerRole", "The user's role in the organization.", canonical("member", "editor", "owner"))

// DockerUserExtension is Docker's User extension: the organization, role and
// team a provisioned user lands in.
var DockerUserExtension = &Schema{
	ID:          DockerUserExtensionURN,
	Name:        "DockerUser",
	Description: "Docker Hub organization membership of a User",
	Attributes: []*Attribute{
		dockerRole,
		attr("dockerOrg", "The organization the user is a member of."),
		attr("dockerTeam", "A team of the organization the user is added to."),
	},
}

// EnterpriseUserExtension is RFC 7643 §4.3's Enterprise User extension,
// which Entra ID and Okta send (employeeNumber, department, manager, ...).
var EnterpriseUserExtension = &Schema{
	ID:          EnterpriseUserExtensionURN,
	Name:        "EnterpriseUser",
	Description: "Enterprise User",
	Attributes: []*Attribute{
		attr("employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
		attr("costCenter", "Identifies the name of a cost center."),
		attr("organization", "Identifies the name of an organization."),
		attr("division", "Identifies the name of a division."),
		attr("department", "Identifies the name of a department."),
		attr("manager", "The User's manager.", subs(
			attr("value", "The id of the SCIM resource representing the User's manager.", caseExact),
			attr("$ref", "The URI of the SCIM resource representing the User's manager.", references("User"), caseExact),
			attr("displayName", "The displayName of the User's manager.", readOnly),
		)),
	},
}

// strictCanonical holds the attributes whose canonical values are enforced;
// for the others RFC 7643 §7 lets clients send any value.
var strictCanonical = map[*Attribute]bool{dockerRole: true}

// UserResourceType is the User resource type, served at /Users.
var UserResourceType = &ResourceType{
	ID:          "User",
	Name:        "User",
	Endpoint:    "/Users",
	Description: "User Account",
	Schema:      UserSchema,
	Extensions:  []*Schema{DockerUserExtension, EnterpriseUserExtension},
}

// GroupResourceType is the Group resource type, served at /Groups.
var GroupResourceType = &ResourceType{
	ID:          "Group",
	Name:        "Group",
	Endpoint:    "/Groups",
	Description: "Group",
	Schema:      GroupSchema,
}

// Schemas returns every schema the engine knows, as /Schemas lists them.
func Schemas() []*Schema {
	return []*Schema{UserSchema, GroupSchema, DockerUserExtension, EnterpriseUserExtension}
}

// ResourceTypes returns every resource type the engine knows, as
// /ResourceTypes lists them.
func ResourceTypes() []*ResourceType {
	return []*ResourceType{UserResourceType, GroupResourceType}
}

// SchemaJSON renders a schema as served at /Schemas/{id} (RFC 7643 §7).
func SchemaJSON(s *Schema, baseURL string) Resource {
	attrs := make([]any, 0, len(s.Attributes))
	for _, a := range s.Attributes {
		attrs = append(attrs, attributeJSON(a))
	}
	return Resource{
		"schemas":     []any{SchemaURN},
		"id":          s.ID,
		"name":        s.Name,
		"description": s.Description,
		"attributes":  attrs,
		"meta": map[string]any{
			"resourceType": "Schema",
			"location":     strings.TrimSuffix(baseURL, "/") + "/Schemas/" + s.ID,
		},
	}
}

func attributeJSON(a *Attribute) map[string]any {
	m := map[string]any{
		"name":        a.Name,
		"type":        a.Type,
		"multiValued": a.MultiValued,
		"description": a.Description,
		"required":    a.Required,
		"caseExact":   a.CaseExact,
		"mutability":  a.Mutability,
		"returned":    a.Returned,
		"uniqueness":  a.Uniqueness,
	}
	if len(a.CanonicalValues) > 0 {
		m["canonicalValues"] = stringsToAny(a.CanonicalValues)
	}
	if a.Type == typeReference {
		m["referenceTypes"] = stringsToAny(a.ReferenceTypes)
	}
	if a.Type == typeComplex {
		sub := make([]any, 0, len(a.SubAttributes))
		for _, s := range a.SubAttributes {
			sub = append(sub, attributeJSON(s))
		}
		m["subAttributes"] = sub
	}
	return m
}

// ResourceTypeJSON renders a resource type as served at /ResourceTypes/{name}
// (RFC 7643 §6).
func ResourceTypeJSON(rt *ResourceType, baseURL string) Resource {
	exts := make([]any, 0, len(rt.Extensions))
	for _, e := range rt.Extensions {
		// No extension is required: a User without Docker attributes lands
		// in the connection's default org as a member.
		exts = append(exts, map[string]any{"schema": e.ID, "required": false})
	}
	r := Resource{
		"schemas":     []any{ResourceTypeURN},
		"id":          rt.ID,
		"name":        rt.Name,
		"endpoint":    rt.Endpoint,
		"description": rt.Description,
		"schema":      rt.Schema.ID,
		"meta": map[string]any{
			"resourceType": "ResourceType",
			"location":     strings.TrimSuffix(baseURL, "/") + "/ResourceTypes/" + rt.Name,
		},
	}
	if len(exts) > 0 {
		r["schemaExtensions"] = exts
	}
	return r
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// schemasOf lists the core schema then the extensions of rt.
func schemasOf(rt *ResourceType) []*Schema {
	return append([]*Schema{rt.Schema}, rt.Extensions...)
}

// findAttr finds an attribute by name, ignoring case as RFC 7643 §2.1 requires.
func findAttr(attrs []*Attribute, name string) *Attribute {
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// findSub finds the sub-attribute name of a complex attribute.
func findSub(a *Attribute, name string) *Attribute {
	if a == nil || a.Type != typeComplex {
		return nil
	}
	return findAttr(a.SubAttributes, name)
}

// extension finds the extension of rt whose URN is urn, ignoring case.
func extension(rt *ResourceType, urn string) *Schema {
	for _, e := range rt.Extensions {
		if strings.EqualFold(e.ID, urn) {
			return e
		}
	}
	return nil
}

package scimengine

import (
	"iter"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// attrRef locates an attribute in a resource. A resource is at most three
// levels deep, because RFC 7643 §2.4 forbids complex sub-attributes: the
// container (the resource, or the object under an extension URN), the
// attribute, and a sub-attribute.
type attrRef struct {
	ext  *Schema    // extension holding attr; nil for the core schema
	attr *Attribute // nil when the reference is the whole extension object
	sub  *Attribute // optional sub-attribute of a complex attr
}

// schemaIn is the schema the reference's attributes belong to: the
// extension, or rt's core schema.
func (r attrRef) schemaIn(rt *ResourceType) *Schema {
	if r.ext != nil {
		return r.ext
	}
	return rt.Schema
}

// containers yields, for each schema of rt that r holds, a reference to
// it and the object holding its attributes: r itself for the core schema,
// the extension's object for an extension (one r lacks is skipped).
// Readers use it; it never creates an extension object.
func containers(rt *ResourceType, r Resource) iter.Seq2[attrRef, map[string]any] {
	return func(yield func(attrRef, map[string]any) bool) {
		for _, s := range schemasOf(rt) {
			ref := attrRef{}
			if s != rt.Schema {
				ref.ext = s
			}
			c := container(r, ref, false)
			if c != nil && !yield(ref, c) {
				return
			}
		}
	}
}

// name spells the reference as the schema does, for error details.
func (r attrRef) name() string {
	var b strings.Builder
	if r.ext != nil {
		b.WriteString(r.ext.ID)
		if r.attr != nil {
			b.WriteByte(':')
		}
	}
	if r.attr != nil {
		b.WriteString(r.attr.Name)
	}
	if r.sub != nil {
		b.WriteByte('.')
		b.WriteString(r.sub.Name)
	}
	return b.String()
}

// resolve binds a parsed path to rt. uri may be empty: an unqualified name is
// looked up in the core schema, then in the extensions, so that clients that
// forget the URN of an extension attribute are still understood.
func resolve(rt *ResourceType, uri, name, sub string) (attrRef, bool) {
	var ref attrRef
	switch {
	case uri == "":
		ref.attr = findAttr(rt.Schema.Attributes, name)
		if ref.attr == nil {
			for _, e := range rt.Extensions {
				if a := findAttr(e.Attributes, name); a != nil {
					ref.ext, ref.attr = e, a
					break
				}
			}
		}
	case strings.EqualFold(uri, rt.Schema.ID):
		ref.attr = findAttr(rt.Schema.Attributes, name)
	default:
		ref.ext = extension(rt, uri)
		if ref.ext == nil {
			return ref, false
		}
		ref.attr = findAttr(ref.ext.Attributes, name)
	}
	if ref.attr == nil {
		return ref, false
	}
	if sub != "" {
		ref.sub = findSub(ref.attr, sub)
		if ref.sub == nil {
			return ref, false
		}
	}
	return ref, true
}

// resolveParsed binds a filter-parser attribute path to rt.
func resolveParsed(rt *ResourceType, p filter.AttributePath) (attrRef, bool) {
	return resolve(rt, p.URI(), p.AttributeName, p.SubAttributeName())
}

// resolveKey binds a body key or an attributes/sortBy name to rt. Keys may be
// plain ("userName"), dotted ("name.givenName"), URN-qualified
// ("urn:...:User:userName", "urn:...:docker:2.0:User:dockerRole"), dotted
// after an extension URN ("urn:...:docker:2.0:User.dockerRole"), or an
// extension URN alone, which refers to the whole extension object.
func resolveKey(rt *ResourceType, key string) (attrRef, bool) {
	for _, s := range schemasOf(rt) {
		if len(key) < len(s.ID) || !strings.EqualFold(key[:len(s.ID)], s.ID) {
			continue
		}
		rest := key[len(s.ID):]
		var ext *Schema
		if s != rt.Schema {
			ext = s
		}
		if rest == "" {
			if ext == nil {
				return attrRef{}, false
			}
			return attrRef{ext: ext}, true
		}
		if rest[0] != ':' && rest[0] != '.' {
			continue
		}
		name, sub, _ := strings.Cut(rest[1:], ".")
		if !validName(name) || (sub != "" && !validName(sub)) {
			return attrRef{}, false
		}
		ref, ok := resolve(rt, s.ID, name, sub)
		return ref, ok
	}
	name, sub, dotted := strings.Cut(key, ".")
	if !validName(name) || (dotted && !validName(sub)) {
		return attrRef{}, false
	}
	return resolve(rt, "", name, sub)
}

// validName checks the RFC 7644 ATTRNAME production ("$ref" included).
func validName(s string) bool {
	s = strings.TrimPrefix(s, "$")
	if s == "" {
		return false
	}
	for i, c := range s {
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !alpha {
			return false
		}
		if !alpha && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// container returns the object holding ref's attribute: the resource itself
// or the object under the extension URN. With create it makes the extension
// object when missing; otherwise it may return nil.
func container(r Resource, ref attrRef, create bool) map[string]any {
	if ref.ext == nil {
		return r
	}
	if v, ok := getKey(r, ref.ext.ID); ok {
		if m, ok := asObject(v); ok {
			if create {
				// Writers get the object under its schema spelling, so that
				// their writes land in the resource; readers never write.
				setKey(r, ref.ext.ID, m)
			}
			return m
		}
	}
	if !create {
		return nil
	}
	m := map[string]any{}
	setKey(r, ref.ext.ID, m)
	return m
}

// lookup returns the raw value of ref's attribute (not the sub-attribute).
func lookup(r Resource, ref attrRef) any {
	c := container(r, ref, false)
	if c == nil {
		return nil
	}
	v, _ := getKey(c, ref.attr.Name)
	return v
}

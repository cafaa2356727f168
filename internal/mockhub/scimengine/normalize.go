package scimengine

import "strings"

// Normalize validates a POST or PUT body against rt (RFC 7644 §3.3, §3.5.1)
// and returns a clean copy: attribute names in schema spelling, extension
// attributes under their URN, multi-valued attributes as lists, booleans
// given as "True"/"false" converted, unassigned values left out.
//
// Unknown attributes are dropped silently, as are readOnly ones (id, meta,
// User.groups), which the server sets. A body without the core schema URN in
// "schemas" is invalidSyntax; a value of the wrong type, a value outside
// dockerRole's canonical values or a missing required attribute is
// invalidValue.
func Normalize(rt *ResourceType, body Resource) (Resource, error) {
	if body == nil {
		return nil, badRequest(ScimTypeInvalidSyntax, "the request body must be a JSON object")
	}
	if err := checkSchemas(rt, body); err != nil {
		return nil, err
	}
	out := Resource{}
	for _, k := range sortedKeys(body) {
		if strings.EqualFold(k, "schemas") {
			continue
		}
		ref, ok := resolveKey(rt, k)
		if !ok {
			continue
		}
		if err := normalizeInto(rt, out, ref, body[k]); err != nil {
			return nil, err
		}
	}
	if err := checkRequired(rt, out); err != nil {
		return nil, err
	}
	if err := checkMultiValues(rt, out); err != nil {
		return nil, err
	}
	setSchemas(rt, out)
	return out, nil
}

// checkMultiValues applies RFC 7643 §2.4 to every multi-valued complex
// attribute of r that has a "primary" sub-attribute (emails, phoneNumbers,
// addresses, ...): at most one value may be primary, and one type and value
// pair may appear only once (values compared as the "value" sub-attribute's
// caseExact says). Group members, which have no primary, are a set: the
// store collapses a repeated member.
func checkMultiValues(rt *ResourceType, r Resource) error {
	for ref, c := range containers(rt, r) {
		s := ref.schemaIn(rt)
		for _, a := range s.Attributes {
			if !a.MultiValued || a.Type != typeComplex || findSub(a, "primary") == nil {
				continue
			}
			raw, _ := getKey(c, a.Name)
			list, _ := asList(raw)
			if len(list) < 2 {
				continue
			}
			ref.attr = a
			valueAttr := findSub(a, "value")
			primaries := 0
			seen := make(map[[2]string]bool, len(list))
			for _, e := range list {
				m, ok := asObject(e)
				if !ok {
					continue
				}
				if p, _ := getKey(m, "primary"); p == true {
					if primaries++; primaries > 1 {
						return badRequest(ScimTypeInvalidValue, "%q has more than one primary value; at most one may be (RFC 7643 §2.4)", ref.name())
					}
				}
				v, _ := getKey(m, "value")
				vs, ok := v.(string)
				if !ok {
					continue
				}
				if valueAttr == nil || !valueAttr.CaseExact {
					vs = strings.ToLower(vs)
				}
				t, _ := getKey(m, "type")
				ts, _ := t.(string)
				k := [2]string{strings.ToLower(ts), vs}
				if seen[k] {
					return badRequest(ScimTypeInvalidValue, "%q lists the value %q of type %q twice", ref.name(), v, ts)
				}
				seen[k] = true
			}
		}
	}
	return nil
}

// checkSchemas checks that the body's "schemas" lists the core schema.
func checkSchemas(rt *ResourceType, body Resource) error {
	raw, ok := getKey(body, "schemas")
	list, isList := asList(raw)
	if !ok || !isList {
		return badRequest(ScimTypeInvalidSyntax, "the body must have \"schemas\" listing %q", rt.Schema.ID)
	}
	core := false
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return badRequest(ScimTypeInvalidSyntax, "\"schemas\" must be a list of schema URNs, got a %s", jsonType(e))
		}
		core = core || strings.EqualFold(s, rt.Schema.ID)
	}
	if !core {
		return badRequest(ScimTypeInvalidSyntax, "\"schemas\" must include %q", rt.Schema.ID)
	}
	return nil
}

// normalizeInto stores value for ref into out, merging with what an earlier
// key (another spelling, or "name" before "name.givenName") stored.
func normalizeInto(rt *ResourceType, out Resource, ref attrRef, value any) error {
	if ref.attr == nil {
		m, ok := asObject(value)
		if !ok {
			if value == nil {
				return nil
			}
			return badRequest(ScimTypeInvalidValue, "%q must be an object of extension attributes, got %s", ref.ext.ID, jsonType(value))
		}
		for _, k := range sortedKeys(m) {
			sub, ok := resolveInExtension(rt, ref.ext, k)
			if !ok {
				continue
			}
			if err := normalizeInto(rt, out, sub, m[k]); err != nil {
				return err
			}
		}
		return nil
	}
	a := ref.attr
	if a.Mutability == mutReadOnly || (ref.sub != nil && ref.sub.Mutability == mutReadOnly) {
		return nil
	}
	if ref.sub != nil {
		if a.MultiValued {
			// "emails.value" names a value in every email: meaningless in
			// a body, so it is dropped like an unknown attribute.
			return nil
		}
		v, err := coerce(ref.sub, value, ref.name())
		if err != nil || v == nil {
			return err
		}
		c := container(out, ref, true)
		obj, _ := getKey(c, a.Name)
		m, ok := obj.(map[string]any)
		if !ok {
			m = map[string]any{}
			setKey(c, a.Name, m)
		}
		m[ref.sub.Name] = v
		return nil
	}
	v, err := coerce(a, value, ref.name())
	if err != nil || v == nil {
		return err
	}
	c := container(out, ref, true)
	if m, ok := v.(map[string]any); ok && !a.MultiValued {
		if prev, ok := getKey(c, a.Name); ok {
			if pm, ok := prev.(map[string]any); ok {
				for k, e := range m {
					pm[k] = e
				}
				return nil
			}
		}
	}
	setKey(c, a.Name, v)
	return nil
}

// resolveInExtension binds a key of an extension object ("dockerRole",
// "manager.value") to rt.
func resolveInExtension(rt *ResourceType, ext *Schema, key string) (attrRef, bool) {
	name, sub, dotted := strings.Cut(key, ".")
	if !validName(name) || (dotted && !validName(sub)) {
		return attrRef{}, false
	}
	return resolve(rt, ext.ID, name, sub)
}

// checkRequired reports the first required attribute r lacks. Attributes the
// server assigns (readOnly, such as id) are not the client's to send, and an
// extension's required attributes only apply when the extension is present.
func checkRequired(rt *ResourceType, r Resource) error {
	for ref, c := range containers(rt, r) {
		s := ref.schemaIn(rt)
		for _, a := range s.Attributes {
			if !a.Required || a.Mutability == mutReadOnly {
				continue
			}
			if v, _ := getKey(c, a.Name); isEmpty(v) {
				ref.attr = a
				return badRequest(ScimTypeInvalidValue, "attribute %q is required", ref.name())
			}
		}
	}
	return nil
}

// setSchemas writes r's "schemas": the core schema, then every extension r
// has attributes of, so that the list tells the truth about r whatever the
// client declared.
func setSchemas(rt *ResourceType, r Resource) {
	list := []any{rt.Schema.ID}
	for _, e := range rt.Extensions {
		if c := container(r, attrRef{ext: e}, false); c != nil && !isEmpty(c) {
			list = append(list, e.ID)
		}
	}
	setKey(r, "schemas", list)
}

package scimengine

import "strings"

// selection is the set of attributes an attributes or excludedAttributes
// parameter names: whole attributes, or some sub-attributes of one.
type selection struct {
	whole map[*Attribute]bool
	subs  map[*Attribute]map[*Attribute]bool
	exts  map[*Schema]bool // whole extension objects
}

func newSelection(rt *ResourceType, names []string) selection {
	sel := selection{whole: map[*Attribute]bool{}, subs: map[*Attribute]map[*Attribute]bool{}, exts: map[*Schema]bool{}}
	for _, n := range names {
		ref, ok := resolveKey(rt, strings.TrimSpace(n))
		switch {
		case !ok:
			// RFC 7644 §3.4.2.5 does not make unknown names an error, and
			// ignoring them keeps clients with richer schemas working.
		case ref.attr == nil:
			sel.exts[ref.ext] = true
		case ref.sub == nil:
			sel.whole[ref.attr] = true
		default:
			if sel.subs[ref.attr] == nil {
				sel.subs[ref.attr] = map[*Attribute]bool{}
			}
			sel.subs[ref.attr][ref.sub] = true
		}
	}
	return sel
}

// namesAny reports whether names holds a non-blank name.
func namesAny(names []string) bool {
	for _, n := range names {
		if strings.TrimSpace(n) != "" {
			return true
		}
	}
	return false
}

func (s selection) empty() bool {
	return len(s.whole) == 0 && len(s.subs) == 0 && len(s.exts) == 0
}

// Project applies the attributes and excludedAttributes query parameters
// (RFC 7644 §3.4.2.5) and returns a new resource sharing nothing with r.
// Names ignore case and may be dotted ("name.givenName") or URN-qualified;
// an extension URN names the whole extension. Unknown names are ignored
// (attributes=bogus returns only what is always returned), so
// the error is always nil today; it is kept for parameters the engine may
// one day reject.
//
// "schemas" and attributes returned "always" (id, meta) are always output;
// attributes returned "never" (password) never are; attributes returned
// "request" only when named in attributes. With attributes, only the named
// attributes (and sub-attributes) are output besides those; then
// excludedAttributes removes what it names. Keys of r that are not
// attributes of rt are not output.
func Project(rt *ResourceType, r Resource, attributes, excludedAttributes []string) (Resource, error) {
	include := newSelection(rt, attributes)
	exclude := newSelection(rt, excludedAttributes)
	// attributes naming only unknown attributes still asks for a subset:
	// what is always returned, not the whole resource.
	all := include.empty() && !namesAny(attributes)
	out := Resource{}
	if v, ok := getKey(r, "schemas"); ok {
		out["schemas"] = deepCopy(v)
	}
	for ref, c := range containers(rt, r) {
		s := ref.schemaIn(rt)
		extAll := ref.ext != nil && include.exts[ref.ext]
		extExcluded := ref.ext != nil && exclude.exts[ref.ext]
		dst := out
		if ref.ext != nil {
			dst = map[string]any{}
		}
		for _, a := range s.Attributes {
			v, ok := getKey(c, a.Name)
			if !ok || isEmpty(v) {
				continue
			}
			if pv := projectAttr(a, v, all || extAll, extExcluded, include, exclude); pv != nil {
				dst[a.Name] = pv
			}
		}
		if ref.ext != nil && len(dst) > 0 {
			out[ref.ext.ID] = dst
		}
	}
	return out, nil
}

// projectAttr returns what of attribute a's value v is output, or nil.
func projectAttr(a *Attribute, v any, all, excluded bool, include, exclude selection) any {
	switch a.Returned {
	case retNever:
		return nil
	case retAlways:
		return projectValue(a, v, nil, nil)
	}
	var keep map[*Attribute]bool
	switch {
	case include.whole[a]:
	case include.subs[a] != nil:
		keep = include.subs[a]
	case all && a.Returned != retRequest:
	default:
		return nil
	}
	if excluded || exclude.whole[a] {
		return nil
	}
	return projectValue(a, v, keep, exclude.subs[a])
}

// projectValue copies v, keeping only the sub-attributes in keep (all when
// nil) and those returned always, and dropping those in drop and those
// returned never.
func projectValue(a *Attribute, v any, keep, drop map[*Attribute]bool) any {
	if a.Type != typeComplex {
		return deepCopy(v)
	}
	if l, ok := asList(v); ok {
		out := make([]any, 0, len(l))
		for _, e := range l {
			if pe := projectValue(a, e, keep, drop); pe != nil {
				out = append(out, pe)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	m, ok := asObject(v)
	if !ok {
		return nil
	}
	out := map[string]any{}
	for _, s := range a.SubAttributes {
		sv, ok := getKey(m, s.Name)
		if !ok || isEmpty(sv) || s.Returned == retNever {
			continue
		}
		if s.Returned != retAlways && (keep != nil && !keep[s] || drop[s] || keep == nil && s.Returned == retRequest) {
			continue
		}
		out[s.Name] = deepCopy(sv)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

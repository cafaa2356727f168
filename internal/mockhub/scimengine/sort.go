package scimengine

import (
	"cmp"
	"strings"
)

// Comparator returns an ordering of resources by the sortBy attribute (RFC
// 7644 §3.4.2.3) for sortOrder "ascending" (also "") or "descending", in any
// case. sortBy ignores case and may be dotted or URN-qualified; a complex
// attribute sorts by its "value" sub-attribute and a multi-valued one by its
// primary value, else its first. Strings compare as caseExact says, dateTimes
// chronologically, booleans false first. A resource without a value sorts
// after every resource with one in ascending order, and before in
// descending order, which is the ascending order reversed.
//
// Equal values compare 0: ties are left to the caller, which orders them by
// id for stable paging. An empty sortBy gives an ordering where every
// resource ties. An unknown sortBy, one never returned (password), a sortBy naming a complex attribute
// without "value" sub-attribute, or another sortOrder is a 400 *Error with
// scimType invalidValue.
func Comparator(rt *ResourceType, sortBy, sortOrder string) (func(a, b Resource) int, error) {
	sign := 1
	switch strings.ToLower(strings.TrimSpace(sortOrder)) {
	case "", "ascending":
	case "descending":
		sign = -1
	default:
		return nil, badRequest(ScimTypeInvalidValue, "sortOrder %q is neither \"ascending\" nor \"descending\"", sortOrder)
	}
	sortBy = strings.TrimSpace(sortBy)
	if sortBy == "" {
		return func(a, b Resource) int { return 0 }, nil
	}
	ref, ok := resolveKey(rt, sortBy)
	if !ok || ref.attr == nil {
		return nil, badRequest(ScimTypeInvalidValue, "sortBy %q names no attribute of %s", sortBy, rt.Name)
	}
	leaf := ref.attr
	if leaf.Returned == retNever || ref.sub != nil && ref.sub.Returned == retNever {
		// The order of resources would leak the secret.
		return nil, badRequest(ScimTypeInvalidValue, "sortBy %q names an attribute that is never returned", sortBy)
	}
	if ref.sub != nil {
		leaf = ref.sub
	} else if leaf.Type == typeComplex {
		leaf = findSub(ref.attr, "value")
		if leaf == nil {
			return nil, badRequest(ScimTypeInvalidValue, "sortBy %q names a complex attribute: sort by one of its sub-attributes", sortBy)
		}
		ref.sub = leaf
	}
	return func(a, b Resource) int {
		va, vb := sortValue(a, ref), sortValue(b, ref)
		switch {
		case va == nil && vb == nil:
			return 0
		case va == nil:
			return sign
		case vb == nil:
			return -sign
		}
		return sign * compareValues(leaf, va, vb)
	}, nil
}

// sortValue picks the value r sorts by: of a multi-valued attribute, the
// primary value, else the first.
func sortValue(r Resource, ref attrRef) any {
	v := lookup(r, ref)
	if l, ok := asList(v); ok {
		v = nil
		for _, e := range l {
			if isEmpty(e) {
				continue
			}
			if v == nil || isPrimary(e) {
				v = e
			}
			if isPrimary(e) {
				break
			}
		}
	}
	if ref.sub != nil {
		m, ok := asObject(v)
		if !ok {
			return nil
		}
		v, _ = getKey(m, ref.sub.Name)
	}
	if isEmpty(v) {
		return nil
	}
	return v
}

// compareValues orders two values of attribute a; values of the wrong type
// sort after the right ones.
func compareValues(a *Attribute, x, y any) int {
	switch a.Type {
	case typeBoolean:
		bx, okx := parseBool(x)
		by, oky := parseBool(y)
		if okx && oky {
			return cmpBool(bx, by)
		}
		return cmpBool(!okx, !oky)
	case typeInteger, typeDecimal:
		fx, okx := toFloat(x)
		fy, oky := toFloat(y)
		if okx && oky {
			return cmp.Compare(fx, fy)
		}
		return cmpBool(!okx, !oky)
	case typeDateTime:
		tx, okx := parseDateTime(x)
		ty, oky := parseDateTime(y)
		if okx && oky {
			return tx.Compare(ty)
		}
		if okx != oky {
			return cmpBool(!okx, !oky)
		}
	}
	sx, okx := x.(string)
	sy, oky := y.(string)
	if !okx || !oky {
		return cmpBool(!okx, !oky)
	}
	if !a.CaseExact {
		sx, sy = strings.ToLower(sx), strings.ToLower(sy)
	}
	return strings.Compare(sx, sy)
}

func cmpBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case !x:
		return -1
	}
	return 1
}

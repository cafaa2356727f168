package scimengine

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Clone returns a deep copy of r, so that a store can hand resources out
// without sharing maps or slices with its own copy.
func Clone(r Resource) Resource {
	if r == nil {
		return nil
	}
	return deepCopy(r).(map[string]any)
}

// deepCopy copies the JSON-shaped containers of v; leaves are immutable.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	case []map[string]any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopy(e)
		}
		return s
	case []string:
		return stringsToAny(t)
	default:
		return v
	}
}

// asList returns v as a list when it is one: resources built in Go may hold
// []string or []map[string]any where decoded JSON holds []any.
func asList(v any) ([]any, bool) {
	switch t := v.(type) {
	case []any:
		return t, true
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = e
		}
		return out, true
	case []string:
		return stringsToAny(t), true
	case nil:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// asObject returns v as a JSON object when it is one.
func asObject(v any) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = e
		}
		return m, true
	}
	return nil, false
}

// getKey reads name from m: the schema spelling first, then any spelling,
// because attribute names are case-insensitive (RFC 7643 §2.1).
func getKey(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// setKey stores v under the schema spelling name, dropping other spellings.
func setKey(m map[string]any, name string, v any) {
	deleteKey(m, name)
	m[name] = v
}

// deleteKey removes every spelling of name from m.
func deleteKey(m map[string]any, name string) {
	delete(m, name)
	for k := range m {
		if strings.EqualFold(k, name) {
			delete(m, k)
		}
	}
}

// jsonType names the JSON type of v for error details.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		return "number"
	}
	if _, ok := asObject(v); ok {
		return "object"
	}
	if _, ok := asList(v); ok {
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// toFloat converts any JSON or Go number to float64.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	}
	return 0, false
}

// parseDateTime parses an xsd:dateTime as RFC 7643 §2.3.5 requires.
func parseDateTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case string:
		ts, err := time.Parse(time.RFC3339Nano, t)
		return ts, err == nil
	}
	return time.Time{}, false
}

// parseBool accepts JSON booleans and the strings "true"/"false" in any case,
// which Entra ID sends for boolean attributes.
func parseBool(v any) (bool, bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		switch {
		case strings.EqualFold(t, "true"):
			return true, true
		case strings.EqualFold(t, "false"):
			return false, true
		}
	}
	return false, false
}

// isEmpty reports whether v counts as unassigned (RFC 7643 §2.5): null, an
// empty string, an empty list or an object without assigned values.
func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	}
	if m, ok := asObject(v); ok {
		for _, e := range m {
			if !isEmpty(e) {
				return false
			}
		}
		return true
	}
	if l, ok := asList(v); ok {
		for _, e := range l {
			if !isEmpty(e) {
				return false
			}
		}
		return true
	}
	return false
}

// coerce validates v against a and returns its canonical form: a list for a
// multi-valued attribute (a single value is wrapped), an object with schema
// spellings for a complex one, a typed scalar otherwise. A nil result means
// unassigned. name is the attribute's path for error details.
func coerce(a *Attribute, v any, name string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if !a.MultiValued {
		if _, ok := asList(v); ok {
			return nil, badRequest(ScimTypeInvalidValue, "attribute %q is single-valued but got an array", name)
		}
		return coerceSingle(a, v, name)
	}
	list, ok := asList(v)
	if !ok {
		list = []any{v}
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		if _, nested := asList(e); nested {
			return nil, badRequest(ScimTypeInvalidValue, "attribute %q must be an array of values, not of arrays", name)
		}
		c, err := coerceSingle(a, e, name)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// coerceSingle validates one value of a, ignoring a.MultiValued.
func coerceSingle(a *Attribute, v any, name string) (any, error) {
	if v == nil {
		return nil, nil
	}
	wrong := func() error {
		return badRequest(ScimTypeInvalidValue, "attribute %q must be a %s, got %s", name, a.Type, jsonType(v))
	}
	switch a.Type {
	case typeComplex:
		m, ok := asObject(v)
		if !ok {
			return nil, badRequest(ScimTypeInvalidValue, "attribute %q must be an object, got %s", name, jsonType(v))
		}
		return coerceObject(a.SubAttributes, m, name+".")
	case typeBoolean:
		b, ok := parseBool(v)
		if !ok {
			return nil, wrong()
		}
		return b, nil
	case typeInteger:
		f, ok := toFloat(v)
		if !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
			return nil, wrong()
		}
		return f, nil
	case typeDecimal:
		f, ok := toFloat(v)
		if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, wrong()
		}
		return f, nil
	case typeDateTime:
		if t, ok := v.(time.Time); ok {
			return t.UTC().Format(time.RFC3339Nano), nil
		}
		if _, ok := parseDateTime(v); !ok {
			return nil, badRequest(ScimTypeInvalidValue, "attribute %q must be an xsd:dateTime such as \"2011-05-13T04:42:34Z\", got %s", name, describe(v))
		}
		return v, nil
	default: // string, reference, binary
		s, ok := v.(string)
		if !ok {
			return nil, wrong()
		}
		if a.Type == typeBinary {
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				return nil, badRequest(ScimTypeInvalidValue, "attribute %q must be base64-encoded binary", name)
			}
		}
		if strictCanonical[a] && s != "" {
			c, ok := canonicalValue(a, s)
			if !ok {
				return nil, badRequest(ScimTypeInvalidValue, "attribute %q must be one of %s, got %q", name, strings.Join(a.CanonicalValues, ", "), s)
			}
			s = c
		}
		if s == "" {
			return nil, nil
		}
		return s, nil
	}
}

// canonicalValue finds s among a's canonical values, honouring caseExact, and
// returns the canonical spelling.
func canonicalValue(a *Attribute, s string) (string, bool) {
	for _, c := range a.CanonicalValues {
		if c == s || (!a.CaseExact && strings.EqualFold(c, s)) {
			return c, true
		}
	}
	return "", false
}

// coerceObject validates the sub-attributes of a complex value. Unknown and
// readOnly sub-attributes are dropped: clients echo what servers sent them.
func coerceObject(attrs []*Attribute, m map[string]any, prefix string) (any, error) {
	out := make(map[string]any, len(m))
	for _, k := range sortedKeys(m) {
		sa := findAttr(attrs, k)
		if sa == nil || sa.Mutability == mutReadOnly {
			continue
		}
		c, err := coerce(sa, m[k], prefix+sa.Name)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out[sa.Name] = c
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return jsonType(v)
}

// sortedKeys gives map iteration a fixed order, so that the same bad request
// always gets the same error.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// scalarKey is a string that is equal for two values of a exactly when the
// values are equal under a's type and caseExact.
func scalarKey(a *Attribute, v any) string {
	switch a.Type {
	case typeBoolean:
		if b, ok := parseBool(v); ok {
			return strconv.FormatBool(b)
		}
	case typeInteger, typeDecimal:
		if f, ok := toFloat(v); ok {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	case typeDateTime:
		if t, ok := parseDateTime(v); ok {
			return t.UTC().Format(time.RFC3339Nano)
		}
	default:
		if s, ok := v.(string); ok {
			if !a.CaseExact {
				return strings.ToLower(s)
			}
			return s
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// valueKey extends scalarKey to complex and multi-valued values.
func valueKey(a *Attribute, v any, single bool) string {
	if a.MultiValued && !single {
		l, _ := asList(v)
		var b strings.Builder
		b.WriteByte('[')
		for _, e := range l {
			b.WriteString(strconv.Quote(valueKey(a, e, true)))
			b.WriteByte(',')
		}
		b.WriteByte(']')
		return b.String()
	}
	if a.Type != typeComplex {
		return scalarKey(a, v)
	}
	m, _ := asObject(v)
	var b strings.Builder
	b.WriteByte('{')
	for _, s := range a.SubAttributes {
		if e, ok := getKey(m, s.Name); ok && !isEmpty(e) {
			b.WriteString(strconv.Quote(s.Name))
			b.WriteByte(':')
			b.WriteString(strconv.Quote(valueKey(s, e, false)))
			b.WriteByte(',')
		}
	}
	b.WriteByte('}')
	return b.String()
}

// elementKey identifies one value of a multi-valued attribute for the
// "already present" test of PATCH add and for removal by value: a complex
// value with a "value" sub-attribute is identified by it (a member is its
// id), any other by its whole content.
func elementKey(a *Attribute, e any) string {
	if vs := findSub(a, "value"); vs != nil {
		if m, ok := asObject(e); ok {
			if v, ok := getKey(m, "value"); ok && !isEmpty(v) {
				return "v:" + scalarKey(vs, v)
			}
		}
	}
	return "e:" + valueKey(a, e, true)
}

// sameValue reports whether a and b are equal values of attribute at.
func sameValue(at *Attribute, a, b any) bool {
	if isEmpty(a) || isEmpty(b) {
		return isEmpty(a) && isEmpty(b)
	}
	return valueKey(at, a, false) == valueKey(at, b, false)
}

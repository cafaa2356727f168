package scimengine

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/q-uint/parser"
	filter "github.com/scim2/filter-parser/v2"
)

// maxFilterLen bounds the filter the parser is handed: real IdPs send short
// filters, and the parser backtracks.
const maxFilterLen = 16 << 10

// The parser recurses once per bracket and its time and memory grow faster
// than linearly with nesting and with the number of terms (8,000 nested
// brackets cost seconds and gigabytes), so a filter's shape is checked
// before the parser sees it. Okta and Entra send one to three terms.
const (
	// MaxFilterDepth is how deep brackets, "(" and "[", may nest.
	MaxFilterDepth = 8
	// MaxFilterTerms is how many "and", "or" and "not" a filter may hold.
	MaxFilterTerms = 32
)

// checkShape refuses, in one pass and without allocating, a filter or path
// nested deeper than MaxFilterDepth (scimType invalidFilter) or joining
// more than MaxFilterTerms logical operators (tooMany: more work than the
// server is willing to do). Brackets and words inside quoted strings do
// not count. It returns nil for any other input, valid or not: the parser
// judges the syntax.
func checkShape(expr, scimTypeDepth string) *Error {
	depth, terms := 0, 0
	inString, escaped := false, false
	wordStart := -1
	endWord := func(i int) {
		if wordStart < 0 {
			return
		}
		w := expr[wordStart:i]
		if strings.EqualFold(w, "and") || strings.EqualFold(w, "or") || strings.EqualFold(w, "not") {
			terms++
		}
		wordStart = -1
	}
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			endWord(i)
			inString = true
		case '(', '[':
			endWord(i)
			depth++
			if depth > MaxFilterDepth {
				return badRequest(scimTypeDepth, "the filter nests brackets deeper than %d levels", MaxFilterDepth)
			}
		case ')', ']':
			endWord(i)
			if depth > 0 {
				depth--
			}
		case ' ', '\t', '\n', '\r':
			endWord(i)
		default:
			if wordStart < 0 {
				wordStart = i
			}
		}
		if terms > MaxFilterTerms {
			return tooManyTerms()
		}
	}
	endWord(len(expr))
	if terms > MaxFilterTerms {
		return tooManyTerms()
	}
	return nil
}

func tooManyTerms() *Error {
	return &Error{Status: http.StatusBadRequest, SCIMType: ScimTypeTooMany,
		Detail: fmt.Sprintf("the filter joins more than %d and, or and not: more work than mockhub does for one request", MaxFilterTerms)}
}

// filterImpl is a filter compiled against a resource type.
type filterImpl struct {
	root node
	// never is set when the filter names an attribute the resource type
	// does not define: RFC 7644 §3.4.2.2 lets such a filter match nothing.
	never bool
}

// node is one compiled filter expression. elem is the value being tested
// inside a value path ("emails[type eq "work"]"), nil outside one.
type node interface {
	match(r Resource, elem map[string]any) bool
}

type andNode struct{ l, r node }

func (n andNode) match(r Resource, e map[string]any) bool { return n.l.match(r, e) && n.r.match(r, e) }

type orNode struct{ l, r node }

func (n orNode) match(r Resource, e map[string]any) bool { return n.l.match(r, e) || n.r.match(r, e) }

type notNode struct{ n node }

func (n notNode) match(r Resource, e map[string]any) bool { return !n.n.match(r, e) }

type constNode bool

func (n constNode) match(Resource, map[string]any) bool { return bool(n) }

// valuePathNode matches when some value of a multi-valued (or complex)
// attribute satisfies the inner filter.
type valuePathNode struct {
	ref   attrRef
	inner node
}

func (n *valuePathNode) match(r Resource, _ map[string]any) bool {
	v := lookup(r, n.ref)
	l, ok := asList(v)
	if !ok {
		l = []any{v}
	}
	for _, e := range l {
		if m, ok := asObject(e); ok && n.inner.match(r, m) {
			return true
		}
	}
	return false
}

// compareValue is a filter's comparison value, prepared for the type of the
// attribute it is compared with.
type compareValue struct {
	null bool
	raw  string // the string as written, for Equality
	s    string // the string, folded when the attribute is not caseExact
	b    bool
	f    float64
	t    time.Time
}

// cmpNode is an attribute expression: "path op value" or "path pr".
type cmpNode struct {
	ref  attrRef    // the attribute outside a value path
	leaf *Attribute // the attribute whose values are compared
	rel  bool       // inside a value path: leaf is read from the element
	op   filter.CompareOperator
	cv   compareValue
}

func (n *cmpNode) match(r Resource, elem map[string]any) bool {
	var v any
	sub := n.ref.sub
	if n.rel {
		v, _ = getKey(elem, n.leaf.Name)
		sub = nil
	} else {
		// Without sub-attribute, "name pr" asks whether the complex
		// attribute has any value: isEmpty looks inside it.
		v = lookup(r, n.ref)
	}
	present, hit := false, false
	walk(v, sub, func(x any) bool {
		if isEmpty(x) {
			return false
		}
		present = true
		if n.op == filter.PR || n.cv.null {
			return true
		}
		hit = n.matchOne(x)
		return hit
	})
	switch {
	case n.op == filter.PR:
		return present
	case n.cv.null && n.op == filter.EQ:
		return !present
	case n.cv.null:
		return present
	case n.op == filter.NE && !present:
		// An unassigned attribute is not equal to any value.
		return true
	}
	return hit
}

// walk calls fn with each value of v (one attribute's value, list or not)
// or, when sub is set, of its sub-attribute in each element, until fn
// returns true. It allocates nothing on decoded JSON, as filters run over
// every resource of a list request.
func walk(v any, sub *Attribute, fn func(any) bool) bool {
	if v == nil {
		return false
	}
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if walk(e, sub, fn) {
				return true
			}
		}
		return false
	}
	if l, ok := asList(v); ok {
		return walk(l, sub, fn)
	}
	if sub == nil {
		return fn(v)
	}
	m, ok := asObject(v)
	if !ok {
		return false
	}
	sv, ok := getKey(m, sub.Name)
	if !ok {
		return false
	}
	return walk(sv, nil, fn)
}

// matchOne compares one value of the attribute with the filter's value.
func (n *cmpNode) matchOne(v any) bool {
	switch n.leaf.Type {
	case typeBoolean:
		b, ok := parseBool(v)
		eq := ok && b == n.cv.b
		return eq == (n.op == filter.EQ)
	case typeInteger, typeDecimal:
		f, ok := toFloat(v)
		if !ok {
			return n.op == filter.NE
		}
		return ordered(n.op, cmp.Compare(f, n.cv.f))
	case typeDateTime:
		if isOrdering(n.op) {
			t, ok := parseDateTime(v)
			if !ok {
				return n.op == filter.NE
			}
			return ordered(n.op, t.Compare(n.cv.t))
		}
	}
	s, ok := v.(string)
	if !ok {
		if t, isTime := v.(time.Time); isTime {
			s, ok = t.UTC().Format(time.RFC3339Nano), true
		}
	}
	if !ok {
		return n.op == filter.NE
	}
	if !n.leaf.CaseExact {
		s = Fold(s)
	}
	switch n.op {
	case filter.CO:
		return strings.Contains(s, n.cv.s)
	case filter.SW:
		return strings.HasPrefix(s, n.cv.s)
	case filter.EW:
		return strings.HasSuffix(s, n.cv.s)
	}
	return ordered(n.op, strings.Compare(s, n.cv.s))
}

func isOrdering(op filter.CompareOperator) bool {
	switch op {
	case filter.EQ, filter.NE, filter.GT, filter.GE, filter.LT, filter.LE:
		return true
	}
	return false
}

// ordered applies an ordering operator to the result c of a three-way
// comparison of the attribute's value with the filter's value.
func ordered(op filter.CompareOperator, c int) bool {
	switch op {
	case filter.EQ:
		return c == 0
	case filter.NE:
		return c != 0
	case filter.GT:
		return c > 0
	case filter.GE:
		return c >= 0
	case filter.LT:
		return c < 0
	case filter.LE:
		return c <= 0
	}
	return false
}

// ParseFilter parses expr (RFC 7644 §3.4.2.2) for resource type rt with the
// scim2 filter parser, then binds every attribute path to rt's schemas. A
// bad filter is a 400 *Error with scimType invalidFilter: bad syntax, an
// operator the attribute's type does not support (gt on a boolean, co on a
// number), a value of the wrong type, a comparison of a complex attribute
// without "value" sub-attribute, or a filter on an attribute never returned
// (password). A filter naming an attribute rt does not define is valid but
// matches nothing (RFC 7644 §3.4.2.2 allows either).
//
// Comparison follows the attribute: strings honour caseExact, dateTimes
// compare chronologically, booleans accept "true"/"false" strings. A
// multi-valued attribute matches when any value does; "ne" also matches an
// unassigned attribute; "eq null" matches an unassigned one.
func ParseFilter(rt *ResourceType, expr string) (*Filter, error) {
	// The parser rejects surrounding spaces; clients add them.
	trimmed := strings.TrimSpace(expr)
	if trimmed == "" {
		return nil, badRequest(ScimTypeInvalidFilter, "the filter is empty")
	}
	if !utf8.ValidString(trimmed) {
		return nil, badRequest(ScimTypeInvalidFilter, "the filter is not valid UTF-8")
	}
	if len(trimmed) > maxFilterLen {
		return nil, badRequest(ScimTypeInvalidFilter, "the filter is longer than %d bytes", maxFilterLen)
	}
	if e := checkShape(trimmed, ScimTypeInvalidFilter); e != nil {
		return nil, e
	}
	parsed, err := parseFilterExpr(trimmed)
	if err != nil {
		return nil, badRequest(ScimTypeInvalidFilter, "filter %q is not valid RFC 7644 filter syntax%s, e.g. userName eq \"bjensen\"", expr, where(err))
	}
	c := &compiler{rt: rt}
	root, err := c.compile(parsed)
	if err != nil {
		return nil, err
	}
	return &Filter{impl: filterImpl{root: root, never: c.unknown}}, nil
}

// where turns a parser error into a position for the detail: the parser's
// own message names its internal types.
func where(err error) string {
	var pe *parser.ExpectedParseError
	if errors.As(err, &pe) {
		if _, col := pe.Conflict.Position(); col > 1 {
			return fmt.Sprintf(" (parsing stopped at character %d)", col+1)
		}
	}
	return ""
}

// parseFilterExpr calls the parser, turning a panic of it into an error: a
// query string must never bring the server down.
func parseFilterExpr(expr string) (e filter.Expression, err error) {
	defer func() {
		if p := recover(); p != nil {
			e, err = nil, fmt.Errorf("parser failure: %v", p)
		}
	}()
	return filter.ParseFilterNumber([]byte(expr))
}

// Match reports whether r satisfies the filter. A nil filter matches every
// resource, so that "no filter" needs no special case.
func (f *Filter) Match(r Resource) bool {
	if f == nil || f.impl.root == nil {
		return true
	}
	if f.impl.never {
		return false
	}
	return f.impl.root.match(r, nil)
}

// Equality reports whether the filter is exactly `attr eq "value"` on a
// top-level, single-valued string attribute of the core schema (userName,
// id, externalId, displayName, ...), returning the attribute's schema
// spelling and the value as written, so that a store can answer it from an
// index. The store must then compare as the attribute's caseExact says:
// userName and displayName ignore case, id and externalId do not (see
// Attribute.CaseExact).
func (f *Filter) Equality() (attr, value string, ok bool) {
	if f == nil || f.impl.never {
		return "", "", false
	}
	n, isCmp := f.impl.root.(*cmpNode)
	if !isCmp || n.rel || n.op != filter.EQ || n.cv.null || n.ref.ext != nil || n.ref.sub != nil ||
		n.ref.attr.Type != typeString || n.ref.attr.MultiValued {
		return "", "", false
	}
	return n.ref.attr.Name, n.cv.raw, true
}

// compiler binds parsed expressions to a resource type.
type compiler struct {
	rt      *ResourceType
	unknown bool
	// parent is the attribute of the enclosing value path, if any.
	parent *Attribute
	// parentName spells parent for error details.
	parentName string
}

func (c *compiler) compile(e filter.Expression) (node, error) {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		l, err := c.compile(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := c.compile(e.Right)
		if err != nil {
			return nil, err
		}
		if e.Operator == filter.AND {
			return andNode{l, r}, nil
		}
		return orNode{l, r}, nil
	case *filter.NotExpression:
		n, err := c.compile(e.Expression)
		if err != nil {
			return nil, err
		}
		return notNode{n}, nil
	case *filter.ValuePath:
		return c.valuePath(e)
	case *filter.AttributeExpression:
		return c.attrExpr(e)
	}
	return nil, badRequest(ScimTypeInvalidFilter, "unsupported filter expression %v", e)
}

func (c *compiler) valuePath(e *filter.ValuePath) (node, error) {
	if c.parent != nil {
		return nil, badRequest(ScimTypeInvalidFilter, "value paths cannot be nested")
	}
	ref, ok := resolveParsed(c.rt, e.AttributePath)
	if !ok {
		c.unknown = true
		return constNode(false), nil
	}
	if ref.sub != nil || ref.attr.Type != typeComplex {
		return nil, badRequest(ScimTypeInvalidFilter, "%q has no sub-attributes to filter with [...]", e.AttributePath.String())
	}
	inner := &compiler{rt: c.rt, parent: ref.attr, parentName: ref.name()}
	n, err := inner.compile(e.ValueFilter)
	if err != nil {
		return nil, err
	}
	if inner.unknown {
		c.unknown = true
		return constNode(false), nil
	}
	return &valuePathNode{ref: ref, inner: n}, nil
}

func (c *compiler) attrExpr(e *filter.AttributeExpression) (node, error) {
	n := &cmpNode{op: e.Operator}
	var name string
	if c.parent != nil {
		p := e.AttributePath
		n.leaf = findSub(c.parent, p.AttributeName)
		if p.URIPrefix != nil || p.SubAttribute != nil || n.leaf == nil {
			c.unknown = true
			return constNode(false), nil
		}
		n.rel = true
		name = c.parentName + "." + n.leaf.Name
		if n.leaf.Returned == retNever {
			return nil, badRequest(ScimTypeInvalidFilter, "attribute %q is never returned and cannot be filtered on", name)
		}
	} else {
		ref, ok := resolveParsed(c.rt, e.AttributePath)
		if !ok {
			c.unknown = true
			return constNode(false), nil
		}
		n.ref, n.leaf = ref, ref.attr
		if ref.sub != nil {
			n.leaf = ref.sub
		}
		name = ref.name()
		if ref.attr.Returned == retNever || n.leaf.Returned == retNever {
			// A filter on a secret is an oracle for it ("password sw a").
			return nil, badRequest(ScimTypeInvalidFilter, "attribute %q is never returned and cannot be filtered on", name)
		}
		if n.leaf.Type == typeComplex && e.Operator != filter.PR {
			// RFC 7644 §3.4.2.2: "emails co x" compares the "value"
			// sub-attribute of a complex attribute.
			v := findSub(n.leaf, "value")
			if v == nil {
				return nil, badRequest(ScimTypeInvalidFilter, "attribute %q is complex: compare one of its sub-attributes", name)
			}
			n.ref.sub, n.leaf = v, v
			name += ".value"
		}
	}
	if e.Operator == filter.PR {
		return n, nil
	}
	cv, err := prepareValue(n.leaf, e.Operator, e.CompareValue, name)
	if err != nil {
		return nil, err
	}
	n.cv = cv
	return n, nil
}

// prepareValue checks that op and value suit the attribute's type and
// converts value once, so that matching does no parsing.
func prepareValue(a *Attribute, op filter.CompareOperator, value any, name string) (compareValue, error) {
	var cv compareValue
	switch op {
	case filter.EQ, filter.NE, filter.CO, filter.SW, filter.EW, filter.GT, filter.GE, filter.LT, filter.LE:
	default:
		return cv, badRequest(ScimTypeInvalidFilter, "unknown operator %q", op)
	}
	bad := func(why string) error {
		return badRequest(ScimTypeInvalidFilter, "cannot apply %q to %s attribute %q %s", op, a.Type, name, why)
	}
	if value == nil {
		if op != filter.EQ && op != filter.NE {
			return cv, bad("with null")
		}
		cv.null = true
		return cv, nil
	}
	substring := op == filter.CO || op == filter.SW || op == filter.EW
	switch a.Type {
	case typeBoolean:
		if op != filter.EQ && op != filter.NE {
			return cv, bad("(booleans support only eq and ne)")
		}
		b, ok := parseBool(value)
		if !ok {
			return cv, bad(fmt.Sprintf("with %s %v", jsonType(value), value))
		}
		cv.b = b
		return cv, nil
	case typeInteger, typeDecimal:
		if substring {
			return cv, bad("(numbers support eq, ne, gt, ge, lt and le)")
		}
		f, ok := toFloat(value)
		if !ok {
			return cv, bad(fmt.Sprintf("with %s %v", jsonType(value), describe(value)))
		}
		cv.f = f
		return cv, nil
	}
	raw, ok := value.(string)
	if !ok {
		return cv, bad(fmt.Sprintf("with %s %v", jsonType(value), value))
	}
	raw = unescape(raw)
	cv.raw, cv.s = raw, raw
	if a.Type == typeDateTime && !substring {
		t, ok := parseDateTime(raw)
		if !ok {
			return cv, bad(fmt.Sprintf("with %q, which is not an xsd:dateTime such as \"2011-05-13T04:42:34Z\"", raw))
		}
		cv.t = t
	}
	if !a.CaseExact {
		cv.s = Fold(raw)
	}
	return cv, nil
}

// unescape decodes the JSON escapes of a filter string, which the parser
// leaves in place.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}

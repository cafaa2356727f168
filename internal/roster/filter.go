package roster

import (
	"strconv"
	"strings"
	"unicode"
)

// A roster's filter scopes it, and a person it lists outside that scope is
// a mistake caught at plan time: listed people the scope misses are fetched
// one by one on every refresh, and a person's two rosters would fight.
// matchesFilter decides, without the server, whether a person can match
// the filter. It knows what the configuration says of the person: userName
// (the email), and the settings it sets (externalId, displayName,
// name.givenName, name.familyName, active); a comparison of any other
// attribute, or of a setting left to the identity provider, is unknown,
// and so is a filter it cannot parse: only a definite "no" is an error.

// tri is a three-valued truth: the filter may hold, or not, or it depends
// on what only the server knows.
type tri int

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func (a tri) and(b tri) tri {
	switch {
	case a == triFalse || b == triFalse:
		return triFalse
	case a == triTrue && b == triTrue:
		return triTrue
	}
	return triUnknown
}

func (a tri) or(b tri) tri {
	switch {
	case a == triTrue || b == triTrue:
		return triTrue
	case a == triFalse && b == triFalse:
		return triFalse
	}
	return triUnknown
}

func (a tri) not() tri {
	switch a {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triUnknown
}

// outsideFilter reports whether the person listed as email with settings p
// certainly does not match filter.
func outsideFilter(filter, email string, p *Person) bool {
	f := &filterParser{in: filter, email: email, p: p}
	v, ok := f.or()
	f.space()
	return ok && f.pos == len(f.in) && v == triFalse
}

type filterParser struct {
	in    string
	pos   int
	email string
	p     *Person
}

func (f *filterParser) space() {
	for f.pos < len(f.in) && f.in[f.pos] == ' ' {
		f.pos++
	}
}

// word reads the next token: a parenthesis, a quoted string (returned with
// its quotes) or a run of other characters.
func (f *filterParser) word() string {
	f.space()
	if f.pos >= len(f.in) {
		return ""
	}
	start := f.pos
	switch f.in[f.pos] {
	case '(', ')':
		f.pos++
	case '"':
		f.pos++
		for f.pos < len(f.in) && f.in[f.pos] != '"' {
			if f.in[f.pos] == '\\' {
				f.pos++
			}
			f.pos++
		}
		f.pos++
		if f.pos > len(f.in) {
			f.pos = len(f.in)
		}
	default:
		depth := 0
		for f.pos < len(f.in) {
			c := f.in[f.pos]
			if c == '[' {
				depth++
			} else if c == ']' {
				depth--
			} else if depth == 0 && (c == ' ' || c == '(' || c == ')') {
				break
			}
			f.pos++
		}
	}
	return f.in[start:f.pos]
}

func (f *filterParser) peek() string {
	at := f.pos
	w := f.word()
	f.pos = at
	return w
}

func (f *filterParser) or() (tri, bool) {
	v, ok := f.and()
	for ok && strings.EqualFold(f.peek(), "or") {
		f.word()
		var w tri
		w, ok = f.and()
		v = v.or(w)
	}
	return v, ok
}

func (f *filterParser) and() (tri, bool) {
	v, ok := f.unary()
	for ok && strings.EqualFold(f.peek(), "and") {
		f.word()
		var w tri
		w, ok = f.unary()
		v = v.and(w)
	}
	return v, ok
}

func (f *filterParser) unary() (tri, bool) {
	w := f.word()
	switch {
	case strings.EqualFold(w, "not"):
		v, ok := f.unary()
		return v.not(), ok
	case w == "(":
		v, ok := f.or()
		return v, ok && f.word() == ")"
	case w == "" || w == ")":
		return triUnknown, false
	}
	op := strings.ToLower(f.word())
	if op == "pr" {
		got, known := f.value(w)
		if !known {
			return triUnknown, true
		}
		return triOf(got != ""), true
	}
	lit := f.word()
	if op == "" || lit == "" {
		return triUnknown, false
	}
	want, ok := literal(lit)
	got, known := f.value(w)
	if !known || !ok {
		return triUnknown, true
	}
	if !strings.EqualFold(w, "externalId") {
		got, want = strings.ToLower(got), strings.ToLower(want)
	}
	switch op {
	case "eq":
		return triOf(got == want), true
	case "ne":
		return triOf(got != want), true
	case "co":
		return triOf(strings.Contains(got, want)), true
	case "sw":
		return triOf(strings.HasPrefix(got, want)), true
	case "ew":
		return triOf(strings.HasSuffix(got, want)), true
	case "gt":
		return triOf(got > want), true
	case "ge":
		return triOf(got >= want), true
	case "lt":
		return triOf(got < want), true
	case "le":
		return triOf(got <= want), true
	}
	return triUnknown, true
}

// literal reads a comparison value: a quoted string, or true/false, which
// are compared as strings against active.
func literal(s string) (string, bool) {
	if strings.HasPrefix(s, `"`) {
		v, err := strconv.Unquote(s)
		return v, err == nil
	}
	if b, err := strconv.ParseBool(s); err == nil {
		return strconv.FormatBool(b), true
	}
	return "", false
}

// value is what the configuration says of attribute attr, and whether it
// says anything.
func (f *filterParser) value(attr string) (string, bool) {
	name := attr
	if i := strings.LastIndex(attr, ":"); i >= 0 {
		if !strings.HasPrefix(strings.ToLower(attr), "urn:ietf:params:scim:schemas:core:2.0:user:") {
			return "", false
		}
		name = attr[i+1:]
	}
	if strings.IndexFunc(name, func(r rune) bool { return r == '[' || unicode.IsSpace(r) }) >= 0 {
		return "", false
	}
	str := func(i int) (string, bool) {
		v := f.p.Attrs[i]
		return v.V, v.IsSet()
	}
	switch strings.ToLower(name) {
	case "username":
		return f.email, true
	case "externalid":
		return str(AttrExternalID)
	case "displayname":
		return str(AttrDisplayName)
	case "name.givenname":
		return str(AttrGivenName)
	case "name.familyname":
		return str(AttrFamilyName)
	case "active":
		if f.p.Active.Unknown {
			return "", false
		}
		return strconv.FormatBool(f.p.Active.Null || f.p.Active.V), true
	}
	return "", false
}

package scimengine

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFilterMatch(t *testing.T) {
	user := sampleUser(t)
	tests := []struct {
		name, expr string
		want       bool
	}{
		// eq and case sensitivity of values and names
		{"eq userName", `userName eq "bjensen@example.com"`, true},
		{"eq userName ignores value case (caseExact false)", `userName eq "BJensen@Example.COM"`, true},
		{"eq userName other value", `userName eq "jsmith@example.com"`, false},
		{"attribute name ignores case", `USERNAME eq "bjensen@example.com"`, true},
		{"operator ignores case", `userName EQ "bjensen@example.com"`, true},
		{"eq id is caseExact", `id eq "2819C223-7F76-453A-919D-413861904646"`, false},
		{"eq id exact", `id eq "2819c223-7f76-453a-919d-413861904646"`, true},
		{"eq externalId caseExact", `externalId eq "701984"`, true},
		{"eq displayName ignores case", `displayName eq "babs jensen"`, true},
		{"surrounding spaces are tolerated", `  userName eq "bjensen@example.com"  `, true},
		{"escaped quote in value", `title eq "Tour \"Guide\""`, false},
		// ne
		{"ne different", `userName ne "someone"`, true},
		{"ne same", `userName ne "BJENSEN@example.com"`, false},
		{"ne on unassigned attribute", `locale ne "en-US"`, true},
		// co sw ew
		{"co", `userName co "jensen@"`, true},
		{"co ignores case", `userName co "JENSEN@"`, true},
		{"co no", `userName co "smith"`, false},
		{"sw", `userName sw "bjen"`, true},
		{"sw no", `userName sw "jensen"`, false},
		{"ew", `userName ew "example.com"`, true},
		{"ew no", `userName ew "example.org"`, false},
		{"co on caseExact id", `id co "7F76"`, false},
		// pr
		{"pr assigned", `title pr`, true},
		{"pr unassigned", `locale pr`, false},
		{"pr complex", `name pr`, true},
		{"pr multi-valued", `emails pr`, true},
		{"pr sub-attribute", `name.middleName pr`, false},
		{"pr extension", `urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerTeam pr`, true},
		// gt ge lt le on strings
		{"gt string", `userName gt "a"`, true},
		{"gt string no", `userName gt "c"`, false},
		{"ge string equal ignoring case", `userName ge "BJENSEN@EXAMPLE.COM"`, true},
		{"lt string", `userName lt "c"`, true},
		{"le string", `userName le "a"`, false},
		// dateTime compares chronologically
		{"dateTime gt", `meta.lastModified gt "2011-05-13T04:42:33Z"`, true},
		{"dateTime gt equal", `meta.lastModified gt "2011-05-13T04:42:34Z"`, false},
		{"dateTime ge equal", `meta.lastModified ge "2011-05-13T04:42:34Z"`, true},
		{"dateTime lt other zone", `meta.lastModified lt "2011-05-13T06:42:33+02:00"`, false},
		{"dateTime gt other zone", `meta.lastModified gt "2011-05-13T06:42:33+02:00"`, true},
		{"dateTime le", `meta.created le "2010-01-23T04:56:22Z"`, true},
		{"dateTime eq other spelling", `meta.created eq "2010-01-23T05:56:22+01:00"`, true},
		{"dateTime sw as text", `meta.created sw "2010-01"`, true},
		// booleans
		{"boolean eq true", `active eq true`, true},
		{"boolean eq false", `active eq false`, false},
		{"boolean ne", `active ne false`, true},
		{"boolean eq string", `active eq "True"`, true},
		// null
		{"eq null on unassigned", `locale eq null`, true},
		{"eq null on assigned", `title eq null`, false},
		{"ne null on assigned", `title ne null`, true},
		// logical operators and grouping
		{"and true", `userName sw "bjen" and active eq true`, true},
		{"and false", `userName sw "bjen" and active eq false`, false},
		{"or", `userName eq "x" or title eq "Tour Guide"`, true},
		{"or false", `userName eq "x" or title eq "y"`, false},
		{"not", `not (userName eq "x")`, true},
		{"not false", `not (userName eq "bjensen@example.com")`, false},
		{"precedence: and before or", `userName eq "x" and title pr or active eq true`, true},
		{"grouping changes precedence", `userName eq "x" and (title pr or active eq true)`, false},
		{"nested groups", `((userName eq "bjensen@example.com") and (not (title eq "x")))`, true},
		{"logical operators ignore case", `userName eq "x" OR title pr AND active Eq True`, true},
		// multi-valued: any value matches
		{"multi-valued sub-attribute any", `emails.value eq "babs@jensen.org"`, true},
		{"multi-valued sub-attribute none", `emails.value eq "nobody@jensen.org"`, false},
		{"multi-valued without sub compares value", `emails co "jensen.org"`, true},
		{"multi-valued type", `emails.type eq "home"`, true},
		{"multi-valued boolean", `emails.primary eq true`, true},
		{"phone numbers", `phoneNumbers.value sw "555"`, true},
		{"groups value", `groups.value eq "e9e30dba-f08f-4109-8486-d5c6a331660a"`, true},
		{"groups display", `groups.display eq "tour guides"`, true},
		// value paths
		{"value path", `emails[type eq "work"]`, true},
		{"value path and", `emails[type eq "work" and value co "example.com"]`, true},
		{"value path and not same value", `emails[type eq "home" and value co "example.com"]`, false},
		{"value path or", `emails[type eq "other" or value ew ".org"]`, true},
		{"value path not", `emails[not (type eq "work")]`, true},
		{"value path pr", `emails[primary pr]`, true},
		{"value path names ignore case", `EMAILS[TYPE eq "WORK"]`, true},
		{"value path in logical expression", `userType eq "Employee" and emails[type eq "work" and value co "@example.com"]`, true},
		{"value path on singular complex", `name[givenName eq "barbara"]`, true},
		{"two value paths or", `emails[type eq "x"] or phoneNumbers[type eq "work"]`, true},
		// sub-attributes of singular complex attributes
		{"sub-attribute", `name.familyName eq "Jensen"`, true},
		{"sub-attribute ignores case", `Name.FamilyName eq "jensen"`, true},
		{"sub-attribute no", `name.familyName eq "Smith"`, false},
		// URN-qualified paths
		{"urn core", `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen@example.com"`, true},
		{"urn core sub-attribute", `urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "Bar"`, true},
		{"urn ignores case", `URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:userName eq "bjensen@example.com"`, true},
		{"urn extension", `urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole eq "owner"`, true},
		{"urn extension no", `urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole eq "member"`, false},
		{"unqualified extension attribute", `dockerOrg eq "MOBY"`, true},
		{"urn extension value path", `urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]`, true},
		// unknown attributes match nothing
		{"unknown attribute", `nope eq "x"`, false},
		{"unknown attribute under not", `not (nope eq "x")`, false},
		{"unknown attribute in or", `userName pr or nope eq "x"`, false},
		{"unknown sub-attribute", `name.nope eq "x"`, false},
		{"unknown sub-attribute in value path", `emails[nope eq "x"]`, false},
		{"unknown extension", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"`, false},
		{"attribute of the other resource type", `members pr`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilter(UserResourceType, tt.expr)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tt.expr, err)
			}
			if got := f.Match(user); got != tt.want {
				t.Errorf("Match(%q) = %v, want %v", tt.expr, got, tt.want)
			}
		})
	}
}

func TestFilterNumbers(t *testing.T) {
	// No attribute of the built-in schemas is a number, so a test schema
	// shows that numbers follow the schema like everything else.
	rt := &ResourceType{ID: "Thing", Name: "Thing", Endpoint: "/Things", Schema: &Schema{
		ID: "urn:example:Thing",
		Attributes: []*Attribute{
			attr("count", "", ofType(typeInteger)),
			attr("ratio", "", ofType(typeDecimal)),
			attr("scores", "", ofType(typeInteger), multi),
		},
	}}
	r := Resource{"count": float64(42), "ratio": 0.5, "scores": []any{float64(1), float64(7)}}
	tests := []struct {
		expr string
		want bool
	}{
		{`count eq 42`, true},
		{`count eq 42.0`, true},
		{`count ne 42`, false},
		{`count gt 41`, true},
		{`count ge 42`, true},
		{`count lt 42`, false},
		{`count le 42`, true},
		{`ratio lt 1e0`, true},
		{`ratio gt -1`, true},
		{`scores gt 5`, true},
		{`scores gt 7`, false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			f, err := ParseFilter(rt, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(r); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
	for _, expr := range []string{`count co 4`, `count eq "42"`, `count sw 4`} {
		t.Run("invalid "+expr, func(t *testing.T) {
			_, err := ParseFilter(rt, expr)
			checkErr(t, err, ScimTypeInvalidFilter, "count")
		})
	}
}

func TestFilterGroup(t *testing.T) {
	group := sampleGroup(t)
	tests := []struct {
		expr string
		want bool
	}{
		{`displayName eq "MOBY:tour guides"`, true},
		{`members[value eq "902c246b-6245-4190-8e05-00816be7344a"]`, true},
		{`members[value eq "902C246B-6245-4190-8E05-00816BE7344A"]`, false},
		{`members.value eq "2819c223-7f76-453a-919d-413861904646"`, true},
		{`members.display co "pepper"`, true},
		{`members[type eq "Group"]`, false},
		{`urn:ietf:params:scim:schemas:core:2.0:Group:displayName sw "moby:"`, true},
		{`userName pr`, false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			f, err := ParseFilter(GroupResourceType, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(group); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFilterInvalid(t *testing.T) {
	tests := []struct {
		name, expr, detail string
	}{
		{"empty", "", "empty"},
		{"blank", "   ", "empty"},
		{"missing value", `userName eq`, "not valid"},
		{"unknown operator", `userName foo "x"`, "not valid"},
		{"unbalanced parenthesis", `(userName eq "x"`, "not valid"},
		{"unbalanced bracket", `emails[type eq "work"`, "not valid"},
		{"unquoted string", `userName eq bjensen`, "not valid"},
		{"dangling and", `userName eq "x" and`, "not valid"},
		{"gt on boolean", `active gt true`, "active"},
		{"co on boolean", `active co "t"`, "active"},
		{"boolean compared with number", `active eq 1`, "active"},
		{"string compared with number", `userName eq 5`, "userName"},
		{"string compared with boolean", `userName eq true`, "userName"},
		{"gt null", `userName gt null`, "null"},
		{"dateTime not a date", `meta.lastModified gt "yesterday"`, "meta.lastModified"},
		{"complex compared", `name eq "x"`, "name"},
		{"value path on simple attribute", `userName[value eq "x"]`, "userName"},
		{"gt on boolean in value path", `emails[primary gt true]`, "emails.primary"},
		{"gt on boolean inside not", `not (active lt false)`, "active"},
		{"password is never returned", `password sw "a"`, "password"},
		{"password pr", `userName pr and password pr`, "password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilter(UserResourceType, tt.expr)
			if f != nil {
				t.Errorf("filter returned with error")
			}
			checkErr(t, err, ScimTypeInvalidFilter, tt.detail)
		})
	}
}

func TestFilterEquality(t *testing.T) {
	tests := []struct {
		rt         *ResourceType
		expr       string
		attr, want string
		ok         bool
	}{
		{UserResourceType, `userName eq "BJensen@example.com"`, "userName", "BJensen@example.com", true},
		{UserResourceType, `USERNAME eq "x"`, "userName", "x", true},
		{UserResourceType, `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"`, "userName", "x", true},
		{UserResourceType, `id eq "abc"`, "id", "abc", true},
		{UserResourceType, `externalId eq "e\"1"`, "externalId", `e"1`, true},
		{GroupResourceType, `displayName eq "moby:devs"`, "displayName", "moby:devs", true},
		{UserResourceType, `userName ne "x"`, "", "", false},
		{UserResourceType, `userName co "x"`, "", "", false},
		{UserResourceType, `userName eq null`, "", "", false},
		{UserResourceType, `userName eq "x" and active eq true`, "", "", false},
		{UserResourceType, `not (userName eq "x")`, "", "", false},
		{UserResourceType, `name.givenName eq "x"`, "", "", false},
		{UserResourceType, `emails.value eq "x"`, "", "", false},
		{UserResourceType, `emails eq "x"`, "", "", false},
		{UserResourceType, `emails[value eq "x"]`, "", "", false},
		{UserResourceType, `active eq true`, "", "", false},
		{UserResourceType, `urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerOrg eq "moby"`, "", "", false},
		{UserResourceType, `nope eq "x"`, "", "", false},
		{UserResourceType, `profileUrl eq "x"`, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			f, err := ParseFilter(tt.rt, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			attr, value, ok := f.Equality()
			if attr != tt.attr || value != tt.want || ok != tt.ok {
				t.Errorf("Equality() = %q, %q, %v; want %q, %q, %v", attr, value, ok, tt.attr, tt.want, tt.ok)
			}
		})
	}
}

func TestFilterNil(t *testing.T) {
	var f *Filter
	if !f.Match(Resource{}) {
		t.Error("nil filter must match")
	}
	if _, _, ok := f.Equality(); ok {
		t.Error("nil filter is no equality")
	}
}

func TestFilterOnGoValues(t *testing.T) {
	// A store may build resources in Go rather than decode them.
	r := Resource{
		"userName": "x",
		"active":   "True",
		"emails":   []map[string]any{{"value": "a@b.c", "type": "work"}},
		"meta":     map[string]any{"lastModified": time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		"urn:ietf:params:scim:schemas:extension:docker:2.0:user": map[string]string{"dockerRole": "owner"},
	}
	for _, expr := range []string{
		`active eq true`,
		`emails[type eq "work"]`,
		`meta.lastModified lt "2021-01-01T00:00:00Z"`,
		`urn:ietf:params:scim:schemas:extension:docker:2.0:User:dockerRole eq "owner"`,
	} {
		t.Run(expr, func(t *testing.T) {
			f, err := ParseFilter(UserResourceType, expr)
			if err != nil {
				t.Fatal(err)
			}
			if !f.Match(r) {
				t.Error("no match")
			}
		})
	}
}

// TestFilterShapeBounded: hostile nesting and long chains are refused before
// the parser, whose cost grows faster than linearly with both, sees them.
func TestFilterShapeBounded(t *testing.T) {
	nest := func(d int) string { return strings.Repeat("(", d) + `userName eq "a"` + strings.Repeat(")", d) }
	chain := func(n int) string { return strings.Repeat(`userName eq "a" or `, n) + `userName eq "a"` }
	for _, tt := range []struct {
		name, expr, scimType string
	}{
		{"8000 brackets", nest(8000), ScimTypeInvalidFilter},
		{"one level too deep", nest(MaxFilterDepth + 1), ScimTypeInvalidFilter},
		{"deep value path", `emails[` + nest(MaxFilterDepth) + `]`, ScimTypeInvalidFilter},
		{"unbalanced open brackets", strings.Repeat("(", 9000), ScimTypeInvalidFilter},
		{"not chain", strings.Repeat("not (", MaxFilterDepth+1) + `active eq true` + strings.Repeat(")", MaxFilterDepth+1), ScimTypeInvalidFilter},
		{"long chain", chain(MaxFilterTerms + 1), ScimTypeTooMany},
		{"long chain, capitals", strings.ReplaceAll(chain(700), "or", "OR"), ScimTypeTooMany},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFilter(UserResourceType, tt.expr)
			if f != nil {
				t.Fatal("filter returned")
			}
			checkErr(t, err, tt.scimType, "")
		})
	}
	// At the limits, and with brackets and keywords inside strings, filters parse.
	for _, expr := range []string{
		nest(MaxFilterDepth),
		chain(MaxFilterTerms),
		`userName eq "((((((((((((and or not and or not and or not and or not and or not and or not and or not))))))))))))"`,
		`userName eq "a\"(((((((((((("`,
	} {
		if _, err := ParseFilter(UserResourceType, expr); err != nil {
			t.Errorf("%.60s...: %v", expr, err)
		}
	}
}

// BenchmarkHostileFilters: 32 concurrent filters of 8,000 nested brackets,
// the audit's attack, each refused.
func BenchmarkHostileFilters(b *testing.B) {
	expr := strings.Repeat("(", 8000) + `userName eq "a"` + strings.Repeat(")", 8000)
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		for range 32 {
			wg.Go(func() {
				if _, err := ParseFilter(UserResourceType, expr); err == nil {
					b.Error("accepted")
				}
			})
		}
		wg.Wait()
	}
}

package scimengine

import (
	"fmt"
	"testing"
)

// BenchmarkApplyPatchGroup5000 adds 100 members, one operation each as Entra
// sends them, to a group of 5,000.
func BenchmarkApplyPatchGroup5000(b *testing.B) {
	g := largeGroup(5000)
	ops := make([]PatchOperation, 100)
	for i := range ops {
		ops[i] = PatchOperation{Op: "Add", Path: "members", Value: []any{map[string]any{"value": fmt.Sprintf("new-%d", i)}}}
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := ApplyPatch(GroupResourceType, g, ops)
		if err != nil || len(r["members"].([]any)) != 5100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyPatchGroup5000Remove removes 100 members by filter, as Okta
// does.
func BenchmarkApplyPatchGroup5000Remove(b *testing.B) {
	g := largeGroup(5000)
	ops := make([]PatchOperation, 100)
	for i := range ops {
		ops[i] = PatchOperation{Op: "remove", Path: fmt.Sprintf(`members[value eq "member-%d"]`, i*50)}
	}
	b.ReportAllocs()
	for b.Loop() {
		r, err := ApplyPatch(GroupResourceType, g, ops)
		if err != nil || len(r["members"].([]any)) != 4900 {
			b.Fatal(err)
		}
	}
}

func BenchmarkFilterMatch(b *testing.B) {
	u := sampleUser(b)
	f, err := ParseFilter(UserResourceType, `userName sw "BJEN" and (emails[type eq "work" and value co "example.com"] or meta.lastModified gt "2011-05-13T04:42:33Z") and not (active eq false)`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !f.Match(u) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkParseFilter(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFilter(UserResourceType, `userName eq "bjensen@example.com"`); err != nil {
			b.Fatal(err)
		}
	}
}

package scim

import (
	"slices"
	"testing"
)

// TestBatchMembersRoundTrip: reconciling a lost member PATCH re-reads the
// ids out of the batch MemberPatchBatches built, quotes and all.
func TestBatchMembersRoundTrip(t *testing.T) {
	add := []string{"a1", `we"ird`}
	remove := []string{"r1", `back\slash`, "r3"}
	batches := MemberPatchBatches(add, remove, 0)
	if len(batches) != 1 {
		t.Fatalf("%d batches, want 1", len(batches))
	}
	gotAdd, gotRemove := batchMembers(batches[0])
	if !slices.Equal(gotAdd, add) || !slices.Equal(gotRemove, remove) {
		t.Fatalf("batchMembers = %q, %q; want %q, %q", gotAdd, gotRemove, add, remove)
	}
	if _, ok := memberFromPath(`emails[type eq "work"]`); ok {
		t.Fatal("memberFromPath accepted a path that is not a member removal")
	}
}

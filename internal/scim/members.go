package scim

// DefaultMemberBatchSize is how many member values one PATCH carries unless
// the caller says otherwise.
const DefaultMemberBatchSize = 100

// MemberDiff returns the member ids to add (in desired, not in current) and
// to remove (in current, not in desired), each in input order, without
// duplicates or empty ids.
func MemberDiff(current, desired []string) (add, remove []string) {
	have := set(current)
	want := set(desired)
	for _, id := range unique(desired) {
		if !have[id] {
			add = append(add, id)
		}
	}
	for _, id := range unique(current) {
		if !want[id] {
			remove = append(remove, id)
		}
	}
	return add, remove
}

// MemberPatchBatches packs member changes into PATCH requests of at most
// batchSize member values each (0 or less means DefaultMemberBatchSize).
// Additions come first, as one "add" operation with a value list per
// request. Each removal is its own operation with the path
// members[value eq "id"]: that is RFC 7644 §3.5.2.2's form, which every
// compliant server accepts, whereas a "remove" with a value list is an Entra
// ID extension that strict servers reject. The operations of one request
// apply atomically, so this costs no more requests than the list form.
func MemberPatchBatches(add, remove []string, batchSize int) [][]PatchOp {
	if batchSize <= 0 {
		batchSize = DefaultMemberBatchSize
	}
	var batches [][]PatchOp
	var ops []PatchOp
	var adds []Member
	n := 0
	flush := func() {
		if len(adds) > 0 {
			ops = append([]PatchOp{{Op: "add", Path: "members", Value: adds}}, ops...)
		}
		if len(ops) > 0 {
			batches = append(batches, ops)
		}
		ops, adds, n = nil, nil, 0
	}
	for _, id := range add {
		adds = append(adds, Member{Value: id})
		if n++; n == batchSize {
			flush()
		}
	}
	for _, id := range remove {
		ops = append(ops, PatchOp{Op: "remove", Path: "members[value eq " + quote(id) + "]"})
		if n++; n == batchSize {
			flush()
		}
	}
	flush()
	return batches
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

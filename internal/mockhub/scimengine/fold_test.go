package scimengine

import "testing"

func TestFold(t *testing.T) {
	for _, tc := range [][2]string{
		{"caf\u00e9@x.example", "cafe\u0301@X.EXAMPLE"},
		{"CAF\u00c9", "cafe\u0301"},
		{"Stra\u00dfe", "STRASSE"},
		{"ABC", "abc"},
	} {
		if Fold(tc[0]) != Fold(tc[1]) {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q", tc[0], Fold(tc[0]), tc[1], Fold(tc[1]))
		}
	}
	if Fold("a") == Fold("b") || Fold("caf\u00e9") == Fold("cafe") {
		t.Error("distinct strings fold together")
	}
	// Filters compare in the folded form.
	u := Resource{"schemas": []any{UserSchemaURN}, "userName": "cafe\u0301@x.example"}
	f, err := ParseFilter(UserResourceType, "userName eq \"CAF\u00c9@x.example\"")
	if err != nil || !f.Match(u) {
		t.Errorf("NFC filter does not match NFD userName: %v", err)
	}
}

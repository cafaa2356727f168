package roster

import (
	"errors"
	"strings"
	"testing"

	"github.com/dockerscim/terraform-provider-docker/internal/diagnostics"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// A filter quotes its values; errors show it as written, not escaped by
// one or two rounds of %q.
func TestErrorsShowTheFilterAsWritten(t *testing.T) {
	filter := `userName ew "@moby.example"`
	boom := errors.New("boom")
	for _, tc := range []struct{ got, want string }{
		{detail(diagnostics.ActionRead, usersInScope(tfproto.Known(filter)), "", boom),
			`Couldn't read SCIM users in the roster's scope (filter userName ew "@moby.example"): boom`},
		{detail(diagnostics.ActionList, usersInScope(tfproto.NullStr()), "", boom),
			`Couldn't list SCIM users in the roster's scope (filter unset: every user of the connection): boom`},
		{detail(diagnostics.ActionImport, importSubject(filter), "", boom),
			`Couldn't import SCIM users with filter userName ew "@moby.example": boom`},
		{detail(diagnostics.ActionImport, importSubject("*"), "", boom),
			`Couldn't import SCIM users (import id *: every user of the connection): boom`},
	} {
		if !strings.HasPrefix(tc.got, tc.want) || strings.Contains(tc.got, `\`) {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
}

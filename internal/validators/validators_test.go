package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestIsEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"jane@example.com":        true,
		"Jane.Doe+ci@sub.moby.io": true,
		"":                        false,
		"jane":                    false,
		"jane@localhost":          false,
		"Jane <jane@example.com>": false,
		" jane@example.com":       false,
		"jane@example.com.":       false,
		"jane@@example.com":       false,
		"jane@.example.com":       false,
	} {
		if got := IsEmail(in); got != want {
			t.Errorf("IsEmail(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestIsDockerName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"moby":                  true,
		"platform-team":         true,
		"team_2":                true,
		"a":                     false,
		"Moby":                  false,
		"-moby":                 false,
		"moby-":                 false,
		"mo--by":                false,
		"moby:devs":             false,
		"has space":             false,
		strings.Repeat("a", 31): false,
	} {
		if got := IsDockerName(in); got != want {
			t.Errorf("IsDockerName(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestValidatorsNameThePathAndValue(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		v     validator.String
		value string
		ok    bool
	}{
		{"email ok", Email(), "jane@example.com", true},
		{"email bad", Email(), "not-an-email", false},
		{"team ok", DockerName("team"), "devs", true},
		{"team bad", DockerName("team"), "Dev Team", false},
		{"duration ok", Duration(), "30s", true},
		{"duration bad", Duration(), "soon", false},
		{"duration negative", Duration(), "-5s", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := path.Root("attr")
			resp := &validator.StringResponse{}
			tc.v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: types.StringValue(tc.value)}, resp)
			if resp.Diagnostics.HasError() == tc.ok {
				t.Fatalf("HasError = %v, want %v: %v", resp.Diagnostics.HasError(), !tc.ok, resp.Diagnostics)
			}
			if !tc.ok {
				detail := resp.Diagnostics.Errors()[0].Detail()
				if !strings.Contains(detail, "attr") || !strings.Contains(detail, tc.value) {
					t.Fatalf("detail %q does not name the attribute and the value", detail)
				}
			}
			for _, unset := range []types.String{types.StringNull(), types.StringUnknown()} {
				resp := &validator.StringResponse{}
				tc.v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: unset}, resp)
				if resp.Diagnostics.HasError() {
					t.Fatalf("null or unknown value rejected: %v", resp.Diagnostics)
				}
			}
		})
	}
}

func TestCheckAPIURL(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"https://hub.docker.com":                 true,
		"https://hub.docker.com/v2/scim/2.0":     true,
		"http://127.0.0.1:8080/v2/scim/2.0":      true,
		"http://localhost:8080":                  true,
		"http://[::1]:8080":                      true,
		"http://hub.docker.com/v2/scim/2.0":      false,
		"hub.docker.com":                         false,
		"/v2/scim/2.0":                           false,
		"ftp://hub.docker.com":                   false,
		"https://user:pw@hub.docker.com":         false,
		"https://hub.docker.com/v2/scim/2.0?x=1": false,
		"https://":                               false,
	} {
		err := CheckAPIURL(s)
		if (err == nil) != ok {
			t.Errorf("CheckAPIURL(%q) = %v, want ok=%v", s, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("CheckAPIURL(%q) quoted a password: %v", s, err)
		}
	}
}

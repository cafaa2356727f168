// Package validators holds plan-time validators that
// terraform-plugin-framework-validators does not ship.
package validators

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// stringRule is a plan-time validator made of a description and a check
// that says what is wrong with a value ("" when nothing is). The error is
// on the attribute's path and quotes the value.
type stringRule struct {
	description string
	summary     string
	problem     func(value string) string
}

func (r stringRule) Description(context.Context) string { return r.description }

func (r stringRule) MarkdownDescription(ctx context.Context) string { return r.Description(ctx) }

func (r stringRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if p := r.problem(req.ConfigValue.ValueString()); p != "" {
		resp.Diagnostics.AddAttributeError(req.Path, r.summary, fmt.Sprintf("%s %s", req.Path, p))
	}
}

// Email returns a validator that accepts a bare email address such as
// jane@example.com: no display name, no angle brackets, a dot in the domain.
func Email() validator.String {
	return stringRule{
		description: "value must be an email address such as jane@example.com",
		summary:     "Invalid email address",
		problem: func(v string) string {
			if IsEmail(v) {
				return ""
			}
			return fmt.Sprintf("must be an email address such as jane@example.com, got %q.", v)
		},
	}
}

// IsEmail reports whether s is a bare email address with a dotted domain.
func IsEmail(s string) bool {
	if s == "" || strings.TrimSpace(s) != s {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// dockerName follows Docker Hub's rules for organization and team names:
// lowercase letters and digits, with single '-' or '_' separators inside.
var dockerName = regexp.MustCompile(`^[a-z0-9]+(?:[-_][a-z0-9]+)*$`)

// DockerName returns a validator for Docker organization and team names.
func DockerName(what string) validator.String {
	return stringRule{
		description: fmt.Sprintf("%s name of 2 to 30 lowercase letters and digits, with single '-' or '_' separators inside", what),
		summary:     "Invalid " + what + " name",
		problem: func(v string) string {
			if IsDockerName(v) {
				return ""
			}
			return fmt.Sprintf("must be a Docker %s name: 2 to 30 lowercase letters and digits, with single '-' or '_' "+
				"separators inside (for example \"moby\" or \"platform-team\"), got %q.", what, v)
		},
	}
}

// IsDockerName reports whether s is a valid Docker organization or team name.
func IsDockerName(s string) bool {
	return len(s) >= 2 && len(s) <= 30 && dockerName.MatchString(s)
}

// Duration returns a validator for a positive Go duration such as "30s".
func Duration() validator.String {
	return stringRule{
		description: "value must be a positive duration such as 30s or 2m",
		summary:     "Invalid duration",
		problem: func(v string) string {
			if d, err := time.ParseDuration(v); err == nil && d > 0 {
				return ""
			}
			return fmt.Sprintf("must be a positive duration such as \"30s\" or \"2m\", got %q.", v)
		},
	}
}

// APIURL returns a validator for the URL of an API the provider calls with
// credentials: absolute https, or plain http only to a loopback address
// (a local simulator such as mockhub), so that a token is never sent in
// clear text over a network.
func APIURL() validator.String {
	return stringRule{
		description: "value must be an absolute https URL (plain http only for localhost or a loopback address)",
		summary:     "Invalid URL",
		problem: func(v string) string {
			if err := CheckAPIURL(v); err != nil {
				return err.Error()
			}
			return ""
		},
	}
}

// CheckAPIURL is APIURL's rule, for values that come from the environment.
// Its error quotes the value, which is a URL and never a secret, unless it
// carries a password, which is refused without being quoted.
func CheckAPIURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("must be an absolute https URL such as https://hub.docker.com, got %q, which does not parse as a URL", s)
	}
	if u.User != nil {
		return errors.New("must not carry credentials in the URL: set them in their own attributes")
	}
	switch {
	case u.Scheme == "https" && u.Host != "":
	case u.Scheme == "http" && u.Host != "" && isLoopback(u.Hostname()):
	case u.Scheme == "http" && u.Host != "":
		return fmt.Errorf("must use https, got %q: plain http is accepted only for localhost or a loopback address, "+
			"because the token or password would cross the network in clear text", s)
	default:
		return fmt.Errorf("must be an absolute https URL such as https://hub.docker.com, got %q", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must not have a query or fragment, got %q", s)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

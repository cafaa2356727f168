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

// Email returns a validator that accepts a bare email address such as
// jane@example.com: no display name, no angle brackets, a dot in the domain.
func Email() validator.String { return emailValidator{} }

type emailValidator struct{}

func (emailValidator) Description(context.Context) string {
	return "value must be an email address such as jane@example.com"
}

func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v emailValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if !IsEmail(value) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address",
			fmt.Sprintf("%s must be an email address such as jane@example.com, got %q.", req.Path, value))
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
func DockerName(what string) validator.String { return dockerNameValidator{what: what} }

type dockerNameValidator struct{ what string }

func (v dockerNameValidator) Description(context.Context) string {
	return fmt.Sprintf("%s name of 2 to 30 lowercase letters and digits, with single '-' or '_' separators inside", v.what)
}

func (v dockerNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v dockerNameValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if !IsDockerName(value) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.what+" name",
			fmt.Sprintf("%s must be a Docker %s name: 2 to 30 lowercase letters and digits, with single '-' or '_' "+
				"separators inside (for example \"moby\" or \"platform-team\"), got %q.", req.Path, v.what, value))
	}
}

// IsDockerName reports whether s is a valid Docker organization or team name.
func IsDockerName(s string) bool {
	return len(s) >= 2 && len(s) <= 30 && dockerName.MatchString(s)
}

// Duration returns a validator for a positive Go duration such as "30s".
func Duration() validator.String { return durationValidator{} }

type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "value must be a positive duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a positive duration such as \"30s\" or \"2m\", got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}

// APIURL returns a validator for the URL of an API the provider calls with
// credentials: absolute https, or plain http only to a loopback address
// (a local simulator such as mockhub), so that a token is never sent in
// clear text over a network.
func APIURL() validator.String { return apiURLValidator{} }

type apiURLValidator struct{}

func (apiURLValidator) Description(context.Context) string {
	return "value must be an absolute https URL (plain http only for localhost or a loopback address)"
}

func (v apiURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (apiURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := CheckAPIURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%s %s", req.Path, err))
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

package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// Scope is where an SSO connection lives: an org or a company. Exactly one
// field is set.
type Scope struct {
	Org     string
	Company string
}

// String names the scope for messages: "org moby" or "company moby-inc".
func (s Scope) String() string {
	if s.Company != "" {
		return "company " + s.Company
	}
	return "org " + s.Org
}

// path returns the scope's URL prefix, orgs/<org> or companies/<company>.
func (s Scope) path() (string, error) {
	switch {
	case s.Org != "" && s.Company == "":
		return "orgs/" + url.PathEscape(s.Org), nil
	case s.Company != "" && s.Org == "":
		return "companies/" + url.PathEscape(s.Company), nil
	}
	return "", errors.New("hub: a scope needs exactly one of org or company")
}

// SSOConnection is an SSO connection of an org or company.
type SSOConnection struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Type        string   `json:"type"` // SAML or OIDC
	Domains     []string `json:"domains"`
	OrgName     string   `json:"org_name,omitempty"`
	CompanyName string   `json:"company_name,omitempty"`
	SCIMEnabled bool     `json:"scim_enabled"`
}

// SCIMState is whether SCIM is on for a connection. BaseURL is empty when off.
type SCIMState struct {
	Enabled bool   `json:"enabled"`
	BaseURL string `json:"base_url"`
}

// SCIMCredentials is what enabling SCIM or rotating its token returns. The
// token is shown only then, never by a GET.
type SCIMCredentials struct {
	BaseURL string `json:"base_url"`
	Token   string `json:"token"`
}

// Errors that say SCIM was already in the state asked for. They are joined
// with the server's 409, so errors.Is(err, httpx.ErrConflict) holds too.
var (
	ErrSCIMAlreadyEnabled  = errors.New("SCIM is already enabled")
	ErrSCIMAlreadyDisabled = errors.New("SCIM is already disabled")
)

func (c *Client) connectionURL(scope Scope, connID string, suffix string) (string, error) {
	p, err := scope.path()
	if err != nil {
		return "", err
	}
	if connID == "" {
		return "", errors.New("hub: empty SSO connection id")
	}
	return c.base + "/v2/" + p + "/sso/connections/" + url.PathEscape(connID) + suffix, nil
}

// ListSSOConnections returns the SSO connections on the org or company.
func (c *Client) ListSSOConnections(ctx context.Context, scope Scope) ([]SSOConnection, error) {
	p, err := scope.path()
	if err != nil {
		return nil, err
	}
	return listAll[SSOConnection](ctx, c, c.base+"/v2/"+p+"/sso/connections")
}

// GetSCIM returns the connection's SCIM state.
func (c *Client) GetSCIM(ctx context.Context, scope Scope, connID string) (*SCIMState, error) {
	target, err := c.connectionURL(scope, connID, "/scim")
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	return decode[SCIMState](resp)
}

// EnableSCIM turns SCIM on and returns its base URL and token. If it is
// already on, the error matches ErrSCIMAlreadyEnabled and httpx.ErrConflict.
// If the POST gets no answer, the state is read: when SCIM is now on, this
// call turned it on, so rotating the token to learn one is safe; when it is
// still off, the POST is sent once more.
func (c *Client) EnableSCIM(ctx context.Context, scope Scope, connID string) (*SCIMCredentials, error) {
	target, err := c.connectionURL(scope, connID, "/scim")
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		creds, err := c.postCredentials(ctx, target)
		switch {
		case err == nil:
			return creds, nil
		case errors.Is(err, httpx.ErrConflict):
			return nil, fmt.Errorf("%w: %w", ErrSCIMAlreadyEnabled, err)
		case !httpx.IsNoResponse(err) || attempt > 0:
			return nil, err
		}
		state, stateErr := c.GetSCIM(ctx, scope, connID)
		if stateErr != nil {
			return nil, fmt.Errorf("%w; reading the SCIM state to reconcile also failed: %w", err, stateErr)
		}
		if state.Enabled {
			c.http.Logger().Warn(ctx, "enabling SCIM got no answer but SCIM is on; rotating to obtain its token", map[string]any{"connection": connID})
			return c.RotateSCIMToken(ctx, scope, connID)
		}
	}
}

// RotateSCIMToken replaces the connection's SCIM token and returns the new
// one; the old token stops working. If SCIM is off, the error matches
// httpx.ErrConflict. A rotation whose answer was lost is sent once more:
// the token it made was never seen, so replacing it loses nothing.
func (c *Client) RotateSCIMToken(ctx context.Context, scope Scope, connID string) (*SCIMCredentials, error) {
	target, err := c.connectionURL(scope, connID, "/scim/token")
	if err != nil {
		return nil, err
	}
	creds, err := c.postCredentials(ctx, target)
	if httpx.IsNoResponse(err) {
		creds, err = c.postCredentials(ctx, target)
	}
	return creds, err
}

func (c *Client) postCredentials(ctx context.Context, target string) (*SCIMCredentials, error) {
	resp, err := c.do(ctx, http.MethodPost, target, nil)
	if err != nil {
		return nil, err
	}
	creds, err := decode[SCIMCredentials](resp)
	if err != nil {
		return nil, err
	}
	if creds.Token == "" {
		return nil, fmt.Errorf("%s %s: response has no token", resp.Method, resp.Path)
	}
	c.http.AddSecret(creds.Token)
	return creds, nil
}

// DisableSCIM turns SCIM off, which revokes its token. If it is already
// off, the error matches ErrSCIMAlreadyDisabled and httpx.ErrConflict; the
// caller decides whether that is success.
func (c *Client) DisableSCIM(ctx context.Context, scope Scope, connID string) error {
	target, err := c.connectionURL(scope, connID, "/scim")
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodDelete, target, nil)
	if errors.Is(err, httpx.ErrConflict) {
		return fmt.Errorf("%w: %w", ErrSCIMAlreadyDisabled, err)
	}
	return err
}

// OrgMember is a member of an org or a team.
type OrgMember struct {
	ID       string   `json:"id"`
	Username string   `json:"username"`
	FullName string   `json:"full_name"`
	Email    string   `json:"email"`
	Role     string   `json:"role"`
	Groups   []string `json:"groups"` // team names
	Type     string   `json:"type"`
}

// ID is an identifier that Hub may send as a number or a string.
type ID string

// UnmarshalJSON accepts a JSON string or number.
func (id *ID) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("id must be a string or a number, not %s", strings.TrimSpace(string(data)))
	}
	*id = ID(n.String())
	return nil
}

// Team is a team of an org (the API calls teams groups).
type Team struct {
	ID          ID     `json:"id"`
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description"`
	MemberCount int    `json:"member_count"`
}

const pageSize = "100"

func (c *Client) orgURL(org, suffix string) (string, error) {
	if org == "" {
		return "", errors.New("hub: empty org name")
	}
	return c.base + "/v2/orgs/" + url.PathEscape(org) + suffix, nil
}

func paged(target string) string {
	return target + "?" + url.Values{"page": {"1"}, "page_size": {pageSize}}.Encode()
}

// ListOrgMembers returns every member of the org, following every page.
func (c *Client) ListOrgMembers(ctx context.Context, org string) ([]OrgMember, error) {
	target, err := c.orgURL(org, "/members")
	if err != nil {
		return nil, err
	}
	return members(listAll[OrgMember](ctx, c, paged(target)))
}

// members settles the spelling of roles: Docker answers Owner, Member and
// Invitee where its requests take owner, editor and member.
func members(list []OrgMember, err error) ([]OrgMember, error) {
	for i := range list {
		list[i].Role = strings.ToLower(list[i].Role)
	}
	return list, err
}

// ListTeams returns every team of the org.
func (c *Client) ListTeams(ctx context.Context, org string) ([]Team, error) {
	target, err := c.orgURL(org, "/groups")
	if err != nil {
		return nil, err
	}
	return listAll[Team](ctx, c, paged(target))
}

// ListTeamMembers returns every member of the team.
func (c *Client) ListTeamMembers(ctx context.Context, org, team string) ([]OrgMember, error) {
	if team == "" {
		return nil, errors.New("hub: empty team name")
	}
	target, err := c.orgURL(org, "/groups/"+url.PathEscape(team)+"/members")
	if err != nil {
		return nil, err
	}
	return members(listAll[OrgMember](ctx, c, paged(target)))
}

package scim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

func userID(u *User) string            { return u.ID }
func setUserETag(u *User, etag string) { u.ETag = etag }
func decodeUser(resp *httpx.Response) (*User, error) {
	u, err := decodeResource(resp, userID, setUserETag)
	if err == nil {
		readUser(u)
	}
	return u, err
}

// readUser settles what servers spell differently in a user they answer
// with: the ETag from meta.version when no header carried one, and
// dockerRole in lower case, as the request side spells it (Docker's
// management API answers roles capitalised).
func readUser(u *User) {
	u.ETag = etagOr(u.ETag, u.Meta)
	if u.Docker != nil {
		u.Docker.Role = strings.ToLower(u.Docker.Role)
	}
}

// userWrite is what is sent for a create or a replace: the core schema
// (plus Docker's when set), without the read-only groups and meta, and the
// active state said twice. RFC 7643 names it active; Docker's published
// PUT /Users/{id} takes enabled instead, and reads a missing enabled as
// false, which deactivates the person. So both are always sent, equal: a
// server of either reading keeps the state the configuration wants, and an
// RFC server ignores the attribute it does not define (RFC 7644 §3.3).
type userWrite struct {
	*User
	Enabled bool `json:"enabled"`
}

func userBody(u *User) userWrite {
	b := *u
	b.Groups, b.Meta, b.ETag = nil, nil, ""
	b.Schemas = []string{SchemaUser}
	if u.Docker != nil {
		b.Schemas = append(b.Schemas, SchemaDockerUser)
	}
	active := u.IsActive()
	b.Active = &active
	return userWrite{User: &b, Enabled: active}
}

// NotKeptError says the server answered a write with another value than
// the one sent, whatever its status code said: it did not do what it was
// asked. User is the user as the server answered.
type NotKeptError struct {
	User      *User
	Attribute string // "active", or Docker's "dockerRole", "dockerOrg", "dockerTeam"
	Sent      string
	Answered  string
}

// Error names the person, the attribute and both values.
func (e *NotKeptError) Error() string {
	if e.Attribute == "active" {
		return fmt.Sprintf("the server answered with user %q %s, although the request asked for it %s (sent as both "+
			"active and enabled = %s); the server did not keep the state it was sent",
			e.User.UserName, activeWord(e.Answered == "true"), activeWord(e.Sent == "true"), e.Sent)
	}
	return fmt.Sprintf("the server answered with user %q's %s = %q, although the request sent %q; the server did not keep it",
		e.User.UserName, e.Attribute, e.Answered, e.Sent)
}

func activeWord(active bool) string {
	if active {
		return "active"
	}
	return "deactivated"
}

// checkKept returns a *NotKeptError when the answer u does not hold what
// the write sent: the active state (sent, nil when nothing was asked) and
// the Docker attributes desired sets. Docker's published PUT takes only
// name and enabled, so a role, organization or team sent there is dropped.
func checkKept(u *User, sent *bool, desired *User) error {
	if u == nil {
		return nil
	}
	if sent != nil && u.IsActive() != *sent {
		return &NotKeptError{User: u, Attribute: "active", Sent: fmt.Sprint(*sent), Answered: fmt.Sprint(u.IsActive())}
	}
	want, got := dockerOrZero(desired.Docker), dockerOrZero(u.Docker)
	for _, a := range []struct{ name, want, got string }{
		{"dockerRole", want.Role, got.Role}, {"dockerOrg", want.Org, got.Org}, {"dockerTeam", want.Team, got.Team},
	} {
		if a.want != "" && !strings.EqualFold(a.want, a.got) {
			return &NotKeptError{User: u, Attribute: a.name, Sent: a.want, Answered: a.got}
		}
	}
	return nil
}

// CreateUser creates u (POST /Users) and returns the user the server made.
// A 409 becomes a *ConflictError carrying the existing user's id. If the
// POST gets no answer, the user is looked up by userName and adopted when it
// is what was sent; only if it is absent is the POST sent once more.
func (c *Client) CreateUser(ctx context.Context, u *User) (*User, error) {
	body := userBody(u)
	body.ID = ""
	post := func() (*User, error) {
		resp, err := c.do(ctx, request{method: http.MethodPost, path: "/Users", body: body})
		if err != nil {
			return nil, err
		}
		return decodeUser(resp)
	}
	find := func() (*User, error) { return c.FindUserByUserName(ctx, u.UserName) }
	matches := func(existing *User) bool {
		return strings.EqualFold(existing.UserName, u.UserName) && (u.ExternalID == "" || existing.ExternalID == u.ExternalID)
	}
	conflict := func(existing *User, err error) error {
		ce := &ConflictError{Resource: "User", Attribute: "userName", Value: u.UserName, Err: err}
		if existing != nil {
			ce.ExistingID = existing.ID
		}
		return ce
	}
	created, err := createReconciled(ctx, c, post, find, matches, conflict, userID)
	if err != nil || created.IsActive() == u.IsActive() {
		return created, err
	}
	// A server that took the new user in another state than asked (one that
	// ignores active on create) is sent the state once more, by update.
	again := *u
	again.ID, again.Active = created.ID, body.Active
	updated, _, err := c.UpdateUser(ctx, created, &again, created.ETag)
	return updated, err
}

// CreateOrReactivateUser creates u, or, when an inactive user with the same
// userName exists, reactivates that user and moves it to u: what an IdP
// does when a person it deactivated on unassignment is assigned again, so
// that re-adding someone never fails on their own deactivated record. An
// active user with that userName stays a *ConflictError, unless
// adoptActive, when it too is moved to u (taking over a person provisioned
// by someone else, on purpose). adopted says whether an existing user was
// taken rather than a new one made.
func (c *Client) CreateOrReactivateUser(ctx context.Context, u *User, adoptActive bool) (user *User, adopted bool, err error) {
	created, err := c.CreateUser(ctx, u)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.ExistingID == "" {
		return created, false, err
	}
	existing, getErr := c.GetUser(ctx, conflict.ExistingID)
	if getErr != nil || (existing.IsActive() && !adoptActive) {
		return nil, false, err
	}
	desired := *u
	desired.ID = existing.ID
	if desired.Active == nil {
		desired.Active = &[]bool{true}[0]
	}
	updated, _, err := c.UpdateUser(ctx, existing, &desired, existing.ETag)
	if err != nil {
		return nil, false, err
	}
	return updated, true, nil
}

// IsOrgOutOfScope reports whether err is Docker refusing a user's
// dockerOrg because the SSO connection does not provision that
// organization: a 400 that names dockerOrg.
func IsOrgOutOfScope(err error) bool {
	var he *httpx.Error
	return errors.As(err, &he) && he.StatusCode == http.StatusBadRequest && strings.Contains(he.Detail, "dockerOrg")
}

// GetUser returns the user with id; a missing user matches httpx.ErrNotFound.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	path, err := resourcePath("Users", id)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: path})
	if err != nil {
		return nil, err
	}
	return decodeUser(resp)
}

// FindUserByUserName returns the user whose userName equals userName
// (case-insensitively, as SCIM compares it). None is a *NotFoundError, which
// matches httpx.ErrNotFound.
func (c *Client) FindUserByUserName(ctx context.Context, userName string) (*User, error) {
	var found *User
	err := c.EachUser(ctx, EqFilter("userName", userName), 0, func(u *User) error {
		if strings.EqualFold(u.UserName, userName) {
			found = u
			return errStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, &NotFoundError{Resource: "User", Attribute: "userName", Value: userName}
	}
	return found, nil
}

// ListUsers returns every user matching filter ("" for all).
func (c *Client) ListUsers(ctx context.Context, filter string) ([]*User, error) {
	var users []*User
	err := c.EachUser(ctx, filter, 0, func(u *User) error {
		users = append(users, u)
		return nil
	})
	return users, err
}

// EachUser calls fn for every user matching filter ("" for all), page by
// page. pageSize 0 means the server's filter.maxResults (else 100); it is
// capped at 1000. An error from fn stops the listing and is returned.
func (c *Client) EachUser(ctx context.Context, filter string, pageSize int, fn func(*User) error) error {
	q := url.Values{}
	if filter != "" {
		q.Set("filter", filter)
	}
	return eachResource(ctx, c, "/Users", q, pageSize, userID, func(u *User) error {
		readUser(u)
		return fn(u)
	})
}

// PatchUser applies ops to the user with id and returns the user after the
// change. ifMatch is sent as If-Match when the server supports ETags; a
// stale version matches httpx.ErrPreconditionFailed.
func (c *Client) PatchUser(ctx context.Context, id string, ops []PatchOp, ifMatch string) (*User, error) {
	path, err := resourcePath("Users", id)
	if err != nil {
		return nil, err
	}
	etag, err := c.ifMatch(ctx, ifMatch)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, request{method: http.MethodPatch, path: path, ifMatch: etag, body: patchBody(ops)})
	if err != nil {
		return nil, err
	}
	if !hasBody(resp) {
		return c.GetUser(ctx, id)
	}
	return decodeUser(resp)
}

// ReplaceUser replaces the user u.ID with u (PUT), always sending active
// explicitly (absent means true here, never the server's false).
func (c *Client) ReplaceUser(ctx context.Context, u *User, ifMatch string) (*User, error) {
	path, err := resourcePath("Users", u.ID)
	if err != nil {
		return nil, err
	}
	etag, err := c.ifMatch(ctx, ifMatch)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, request{method: http.MethodPut, path: path, ifMatch: etag, body: userBody(u)})
	if err != nil {
		return nil, err
	}
	if !hasBody(resp) {
		return c.GetUser(ctx, u.ID)
	}
	return decodeUser(resp)
}

// UpdateUser moves the user current to desired. When the server supports
// PATCH it sends only the changed attributes (see UserPatchOps); changed is
// false, and current is returned with nothing sent, when nothing differs.
// Otherwise it PUTs the whole desired user. A PATCH whose answer was lost
// is reconciled by reading the user back.
//
// The answer must keep the active state the update meant (desired's, else
// current's) and the Docker attributes desired sets: one that does not is
// a *NotKeptError, returned with the user as answered, so that no update
// deactivates or reactivates anyone, or drops a role, silently.
func (c *Client) UpdateUser(ctx context.Context, current, desired *User, ifMatch string) (updated *User, changed bool, err error) {
	want := desired.Active
	if want == nil {
		want = boolRef(current.IsActive())
	}
	updated, changed, err = c.updateUser(ctx, current, desired, ifMatch)
	if err != nil || !changed {
		return updated, changed, err
	}
	return updated, true, checkKept(updated, want, desired)
}

func boolRef(b bool) *bool { return &b }

func (c *Client) updateUser(ctx context.Context, current, desired *User, ifMatch string) (updated *User, changed bool, err error) {
	patch, err := c.patchSupported(ctx)
	if err != nil {
		return nil, false, err
	}
	if patch {
		ops := UserPatchOps(current, desired)
		if len(ops) == 0 {
			return current, false, nil
		}
		updated, err := c.PatchUser(ctx, current.ID, ops, ifMatch)
		if isLostAnswer(err) {
			updated, err = c.reconcileUserPatch(ctx, current.ID, desired, ifMatch, err)
		}
		return updated, err == nil, err
	}
	full := *desired
	full.ID = current.ID
	if full.UserName == "" {
		full.UserName = current.UserName
	}
	if full.Active == nil {
		active := current.IsActive()
		full.Active = &active
	}
	updated, err = c.ReplaceUser(ctx, &full, ifMatch)
	return updated, err == nil, err
}

// DeleteUser deletes the user with id. A user already gone matches
// httpx.ErrNotFound; the caller decides whether that is success. A 404 is
// confirmed by reading the user: one still there means the server has no
// DELETE (Docker publishes none), an *UnsupportedError like a 405.
func (c *Client) DeleteUser(ctx context.Context, id, ifMatch string) error {
	path, err := resourcePath("Users", id)
	if err != nil {
		return err
	}
	etag, err := c.ifMatch(ctx, ifMatch)
	if err != nil {
		return err
	}
	if err := c.unsupported.get(FeatureUserDelete); err != nil {
		return err
	}
	_, err = c.doUnchecked(ctx, request{method: http.MethodDelete, path: path, ifMatch: etag})
	switch {
	case refusesMethod(err):
		var he *httpx.Error
		errors.As(err, &he)
		return c.unsupported.mark(FeatureUserDelete, fmt.Sprintf("%s %s answered %d", he.Method, he.Path, he.StatusCode))
	case errors.Is(err, httpx.ErrNotFound):
		return c.confirmUserDeleted(ctx, id, err)
	}
	return err
}

// UserPatchOps returns the operations that turn current into desired:
// replace for a changed value, remove for one desired empty, nothing for an
// unchanged one. Docker's attributes use URN-qualified paths. Emails are
// compared only when desired lists some.
func UserPatchOps(current, desired *User) []PatchOp {
	var ops []PatchOp
	str := func(path, cur, want string) {
		switch {
		case cur == want:
		case want == "":
			ops = append(ops, PatchOp{Op: "remove", Path: path})
		default:
			ops = append(ops, PatchOp{Op: "replace", Path: path, Value: want})
		}
	}
	// userName is compared ignoring case, as SCIM defines it: a change of
	// case alone is no change. A real rename moves the user's email with
	// it, unless desired says what the emails are.
	renamed := desired.UserName != "" && !strings.EqualFold(current.UserName, desired.UserName)
	if renamed {
		ops = append(ops, PatchOp{Op: "replace", Path: "userName", Value: desired.UserName})
		if desired.Emails == nil {
			ops = append(ops, PatchOp{Op: "replace", Path: "emails",
				Value: []Email{{Value: desired.UserName, Type: "work", Primary: true}}})
		}
	}
	cn, dn := nameOrZero(current.Name), nameOrZero(desired.Name)
	str("name.givenName", cn.GivenName, dn.GivenName)
	str("name.familyName", cn.FamilyName, dn.FamilyName)
	str("displayName", current.DisplayName, desired.DisplayName)
	str("externalId", current.ExternalID, desired.ExternalID)
	if desired.Active != nil && *desired.Active != current.IsActive() {
		ops = append(ops, PatchOp{Op: "replace", Path: "active", Value: *desired.Active})
	}
	if desired.Emails != nil && !slices.Equal(current.Emails, desired.Emails) {
		ops = append(ops, PatchOp{Op: "replace", Path: "emails", Value: desired.Emails})
	}
	cd, dd := dockerOrZero(current.Docker), dockerOrZero(desired.Docker)
	str(SchemaDockerUser+":dockerRole", cd.Role, dd.Role)
	str(SchemaDockerUser+":dockerOrg", cd.Org, dd.Org)
	str(SchemaDockerUser+":dockerTeam", cd.Team, dd.Team)
	return ops
}

func nameOrZero(n *Name) Name {
	if n == nil {
		return Name{}
	}
	return *n
}

func dockerOrZero(d *DockerExtension) DockerExtension {
	if d == nil {
		return DockerExtension{}
	}
	return *d
}

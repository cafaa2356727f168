package scim

import (
	"context"
	"net/http"
	"net/url"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

func groupID(g *Group) string            { return g.ID }
func setGroupETag(g *Group, etag string) { g.ETag = etag }

func decodeGroup(resp *httpx.Response) (*Group, error) {
	g, err := decodeResource(resp, groupID, setGroupETag)
	if err == nil {
		g.ETag = etagOr(g.ETag, g.Meta)
	}
	return g, err
}

func groupBody(g *Group) *Group {
	b := *g
	b.Meta, b.ETag = nil, ""
	b.Schemas = []string{SchemaGroup}
	return &b
}

// CreateGroup creates g (POST /Groups), with the same guarantees as
// CreateUser: a 409 is a *ConflictError with the existing id, and a lost
// answer is reconciled by displayName before sending again.
func (c *Client) CreateGroup(ctx context.Context, g *Group) (*Group, error) {
	body := groupBody(g)
	body.ID = ""
	post := func() (*Group, error) {
		resp, err := c.do(ctx, request{method: http.MethodPost, path: "/Groups", body: body})
		if err != nil {
			return nil, err
		}
		return decodeGroup(resp)
	}
	find := func() (*Group, error) { return c.FindGroupByDisplayName(ctx, g.DisplayName) }
	matches := func(existing *Group) bool {
		return existing.DisplayName == g.DisplayName && (g.ExternalID == "" || existing.ExternalID == g.ExternalID)
	}
	conflict := func(existing *Group, err error) error {
		ce := &ConflictError{Resource: "Group", Attribute: "displayName", Value: g.DisplayName, Err: err}
		if existing != nil {
			ce.ExistingID = existing.ID
		}
		return ce
	}
	return createReconciled(ctx, c, post, find, matches, conflict, groupID)
}

// GetGroup returns the group with id, members included.
func (c *Client) GetGroup(ctx context.Context, id string) (*Group, error) {
	path, err := resourcePath("Groups", id)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: path})
	if err != nil {
		return nil, err
	}
	return decodeGroup(resp)
}

// FindGroupByDisplayName returns the group named displayName, members
// included. None is a *NotFoundError, which matches httpx.ErrNotFound.
func (c *Client) FindGroupByDisplayName(ctx context.Context, displayName string) (*Group, error) {
	var found *Group
	err := c.EachGroup(ctx, EqFilter("displayName", displayName), true, 0, func(g *Group) error {
		if g.DisplayName == displayName {
			found = g
			return errStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, &NotFoundError{Resource: "Group", Attribute: "displayName", Value: displayName}
	}
	return found, nil
}

// ListGroups returns every group matching filter ("" for all). Without
// includeMembers the server is asked to leave members out, which keeps
// listing large groups cheap.
func (c *Client) ListGroups(ctx context.Context, filter string, includeMembers bool) ([]*Group, error) {
	var groups []*Group
	err := c.EachGroup(ctx, filter, includeMembers, 0, func(g *Group) error {
		groups = append(groups, g)
		return nil
	})
	return groups, err
}

// EachGroup calls fn for every group matching filter, page by page, like
// EachUser.
func (c *Client) EachGroup(ctx context.Context, filter string, includeMembers bool, pageSize int, fn func(*Group) error) error {
	q := url.Values{}
	if filter != "" {
		q.Set("filter", filter)
	}
	if !includeMembers {
		q.Set("excludedAttributes", "members")
	}
	return eachResource(ctx, c, "/Groups", q, pageSize, groupID, func(g *Group) error {
		g.ETag = etagOr(g.ETag, g.Meta)
		return fn(g)
	})
}

// PatchGroup applies ops to the group with id and returns the group after
// the change, fetching it when the server answers 204 No Content.
func (c *Client) PatchGroup(ctx context.Context, id string, ops []PatchOp, ifMatch string) (*Group, error) {
	resp, err := c.patchGroup(ctx, id, ops, ifMatch)
	if err != nil {
		return nil, err
	}
	if !hasBody(resp) {
		return c.GetGroup(ctx, id)
	}
	return decodeGroup(resp)
}

func (c *Client) patchGroup(ctx context.Context, id string, ops []PatchOp, ifMatch string) (*httpx.Response, error) {
	path, err := resourcePath("Groups", id)
	if err != nil {
		return nil, err
	}
	etag, err := c.ifMatch(ctx, ifMatch)
	if err != nil {
		return nil, err
	}
	return c.do(ctx, request{method: http.MethodPatch, path: path, ifMatch: etag, body: patchBody(ops)})
}

// RenameGroup sets the group's displayName: a PATCH when the server
// supports it, else a GET and a PUT of the whole group with the new name.
func (c *Client) RenameGroup(ctx context.Context, id, displayName, ifMatch string) (*Group, error) {
	patch, err := c.patchSupported(ctx)
	if err != nil {
		return nil, err
	}
	if patch {
		return c.PatchGroup(ctx, id, []PatchOp{{Op: "replace", Path: "displayName", Value: displayName}}, ifMatch)
	}
	g, err := c.GetGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	if ifMatch == "" {
		ifMatch = g.ETag
	}
	g.DisplayName = displayName
	path, _ := resourcePath("Groups", id)
	etag, err := c.ifMatch(ctx, ifMatch)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, request{method: http.MethodPut, path: path, ifMatch: etag, body: groupBody(g)})
	if err != nil {
		return nil, err
	}
	if !hasBody(resp) {
		return c.GetGroup(ctx, id)
	}
	return decodeGroup(resp)
}

// DeleteGroup deletes the group with id. A group already gone matches
// httpx.ErrNotFound.
func (c *Client) DeleteGroup(ctx context.Context, id, ifMatch string) error {
	path, err := resourcePath("Groups", id)
	if err != nil {
		return err
	}
	etag, err := c.ifMatch(ctx, ifMatch)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodDelete, path: path, ifMatch: etag})
	return err
}

// UpdateGroupMembers adds and removes members of the group with id, sending
// only that difference in PATCH requests of at most batchSize member values
// (0 means 100), never the whole member list: replacing a list of thousands
// is slow, and races with changes made meanwhile by an IdP. A batch whose
// answer was lost is reconciled by reading the group back.
func (c *Client) UpdateGroupMembers(ctx context.Context, id string, add, remove []string, batchSize int) error {
	for _, ops := range MemberPatchBatches(add, remove, batchSize) {
		_, err := c.patchGroup(ctx, id, ops, "")
		if isLostAnswer(err) {
			batchAdd, batchRemove := batchMembers(ops)
			err = c.reconcileMemberPatch(ctx, id, batchAdd, batchRemove, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// A PATCH is not idempotent in general, so the transport never re-sends one
// that got no answer. The SCIM client knows what the PATCH meant, though,
// and reconciles it by reading the resource back: a change that landed is
// adopted, one that did not is sent once more. Nothing is applied twice and
// nothing is reported failed that succeeded.

// reconcileUserPatch settles a user PATCH whose answer was lost (sendErr).
// If the user already is what desired describes, it is returned. Otherwise
// the remaining operations are sent once more with the caller's If-Match,
// so that a change made meanwhile by someone else still fails with 412
// rather than being overwritten.
func (c *Client) reconcileUserPatch(ctx context.Context, id string, desired *User, ifMatch string, sendErr error) (*User, error) {
	fresh, err := c.GetUser(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%w; reconciling by reading the user back also failed: %w", sendErr, err)
	}
	ops := UserPatchOps(fresh, desired)
	if len(ops) == 0 {
		c.reconciled(ctx, "User", id)
		return fresh, nil
	}
	return c.PatchUser(ctx, id, ops, ifMatch)
}

// reconcileMemberPatch settles a member PATCH whose answer was lost: the
// group is read back, and what of add is still missing and of remove still
// present is sent once more. Sending the whole batch again could fail on a
// removal that already happened (noTarget).
func (c *Client) reconcileMemberPatch(ctx context.Context, id string, add, remove []string, sendErr error) error {
	fresh, err := c.GetGroup(ctx, id)
	if err != nil {
		return fmt.Errorf("%w; reconciling by reading the group back also failed: %w", sendErr, err)
	}
	have := make(map[string]bool, len(fresh.Members))
	for _, m := range fresh.Members {
		have[m.Value] = true
	}
	var addLeft, removeLeft []string
	for _, m := range add {
		if !have[m] {
			addLeft = append(addLeft, m)
		}
	}
	for _, m := range remove {
		if have[m] {
			removeLeft = append(removeLeft, m)
		}
	}
	if len(addLeft) == 0 && len(removeLeft) == 0 {
		c.reconciled(ctx, "Group", id)
		return nil
	}
	for _, ops := range MemberPatchBatches(addLeft, removeLeft, len(addLeft)+len(removeLeft)) {
		if _, err := c.patchGroup(ctx, id, ops, ""); err != nil {
			return err
		}
	}
	return nil
}

// batchMembers splits one batch of member operations back into the ids it
// adds and removes.
func batchMembers(ops []PatchOp) (add, remove []string) {
	for _, op := range ops {
		switch op.Op {
		case "add":
			if ms, ok := op.Value.([]Member); ok {
				for _, m := range ms {
					add = append(add, m.Value)
				}
			}
		case "remove":
			if id, ok := memberFromPath(op.Path); ok {
				remove = append(remove, id)
			}
		}
	}
	return add, remove
}

func (c *Client) reconciled(ctx context.Context, resource, id string) {
	c.http.Logger().Warn(ctx, "PATCH got no answer; reading back showed it applied", map[string]any{"resource": resource, "id": id})
}

// isLostAnswer reports whether err means the request may have been carried
// out without the client hearing of it.
func isLostAnswer(err error) bool { return httpx.IsNoResponse(err) }

// memberFromPath reads the id out of a removal path members[value eq "id"],
// as MemberPatchBatches writes it.
func memberFromPath(path string) (string, bool) {
	q, ok := strings.CutPrefix(path, "members[value eq ")
	if !ok {
		return "", false
	}
	q, ok = strings.CutSuffix(q, "]")
	if !ok {
		return "", false
	}
	var id string
	if err := json.Unmarshal([]byte(q), &id); err != nil {
		return "", false
	}
	return id, true
}

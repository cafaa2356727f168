package scim

import (
	"context"
	"errors"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/httpx"
)

// Replicated services answer a write at once and show it to reads a moment
// later. A read that comes too soon after this client's own write must not
// be taken for the truth: a user not found yet is no user deleted outside
// Terraform, and the values it had before the write are no drift. Written
// is what the caller keeps of its last write of a user between commands;
// WaitVisible reads again, for a bounded time, while a read predates it.

// Written is this client's last write of a resource: when it was answered,
// and the meta.lastModified the answer carried.
type Written struct {
	At           time.Time `json:"at"`
	LastModified string    `json:"last_modified,omitempty"`
}

// WrittenNow is the record of a write answered with u.
func WrittenNow(u *User) Written {
	w := Written{At: time.Now().UTC()}
	if u != nil && u.Meta != nil {
		w.LastModified = u.Meta.LastModified
	}
	return w
}

// VisibilityWindow is how long after a write a read that does not show it
// is taken for a lagging one; past it, a read is the truth.
const VisibilityWindow = 2 * time.Minute

// visibilityWait bounds how long one read waits for a write to show.
const visibilityWait = 30 * time.Second

// Lags reports whether a read (u, err) at now predates the write w: the
// user not found, or last modified before the write's answer said, within
// VisibilityWindow of the write.
func (w Written) Lags(u *User, err error, now time.Time) bool {
	if w.At.IsZero() || now.Sub(w.At) > VisibilityWindow {
		return false
	}
	if errors.Is(err, httpx.ErrNotFound) {
		return true
	}
	if err != nil || u == nil || u.Meta == nil || w.LastModified == "" {
		return false
	}
	read, rerr := time.Parse(time.RFC3339Nano, u.Meta.LastModified)
	wrote, werr := time.Parse(time.RFC3339Nano, w.LastModified)
	return rerr == nil && werr == nil && read.Before(wrote)
}

// WaitVisible returns the read (u, err) of the user id, or, while it lags
// the write w, reads the user again with growing pauses until it shows the
// write, VisibilityWindow has passed since the write, or visibilityWait is
// spent; then the last read is returned as it is.
func (c *Client) WaitVisible(ctx context.Context, id string, w Written, u *User, err error) (*User, error) {
	deadline := time.Now().Add(visibilityWait)
	pause := 100 * time.Millisecond
	for w.Lags(u, err, time.Now()) && time.Now().Add(pause).Before(deadline) {
		c.http.Logger().Debug(ctx, "read does not show this provider's last write yet; reading again", map[string]any{"id": id, "pause_ms": pause.Milliseconds()})
		select {
		case <-ctx.Done():
			return u, err
		case <-time.After(pause):
		}
		u, err = c.GetUser(ctx, id)
		pause = min(2*pause, 2*time.Second)
	}
	return u, err
}

// Package snapshot holds read-through snapshots of SCIM collections, shared
// by the resources of one configured provider block for one command: after
// a few Reads, one listing answers the rest instead of a GET per object.
//
// It knows nothing of Terraform.
package snapshot

import (
	"context"
	"errors"
	"sync"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
)

// DirectReads is how many Reads one provider instance answers with a GET
// each before it lists the whole collection instead. A small configuration
// costs one request per object; a large one costs the pages of one listing
// (5,000 users are 25 pages of 200) rather than 5,000 GETs.
const DirectReads = 3

// collection is a read-through snapshot of one SCIM collection, shared by all
// the resources of one configured provider block. The CLI configures a
// provider afresh for every command (and for each of plan and apply within
// one `apply`), so a snapshot never outlives the command that took it.
//
// Consistency model:
//   - The snapshot is taken during the command's refresh, after the command
//     started, so every change made outside Terraform before then (an edit,
//     a deactivation, a deletion) shows as drift exactly as a GET would.
//   - Writes made by this provider instance replace or remove their object
//     in it, so a later Read in the same command sees what was written.
//   - Objects written while the listing was in flight keep the written
//     version: it is the newer one.
//   - An id missing from the snapshot (created after it was taken, or
//     deleted) is fetched by id, so a deletion is seen as a 404 and a new
//     object is never reported missing.
//   - Changes made outside Terraform after the snapshot was taken, while the
//     command runs, may go unseen until the next command; a GET per object
//     has the same window between its own request and the end of the run.
//   - A listing that fails is tried once per command: later Reads fall back
//     to a GET each, which is slower but exactly as correct. A listing cut
//     short because its own Read was cancelled is not counted as a failure;
//     another Read takes it over. During an outage (the server down,
//     failing everything, or rejecting the token) the client has tripped by
//     the time the listing gives up, so each fallback GET fails at once,
//     unsent (TestUserCacheDuringOutage).
type collection[T any] struct {
	mu         sync.Mutex
	items      map[string]*T
	complete   bool          // items holds the whole collection
	listFailed bool          // the listing failed: every miss is a GET
	reads      int           // Reads asked before the snapshot was complete
	loading    chan struct{} // closed when the listing in progress ends
	// changed records the writes (nil for a removal) made while a listing
	// is in flight: they are newer than what the listing brings back.
	changed map[string]*T
}

func newCollection[T any]() *collection[T] {
	return &collection[T]{items: map[string]*T{}}
}

// get answers from the snapshot when it is complete, lists the collection
// once enough Reads have asked for one, and otherwise fetches the object on
// its own. Concurrent callers share one listing: while it runs they wait,
// each giving up when its own context ends.
func (c *collection[T]) get(ctx context.Context, id string,
	getOne func(context.Context, string) (*T, error),
	listAll func(context.Context, func(id string, v *T)) error,
) (*T, error) {
	for {
		c.mu.Lock()
		if c.complete {
			v, ok := c.items[id]
			c.mu.Unlock()
			if ok {
				return v, nil
			}
			return c.fetch(ctx, id, getOne)
		}
		if c.listFailed {
			c.mu.Unlock()
			return c.fetch(ctx, id, getOne)
		}
		if c.loading != nil {
			if err := c.awaitListing(ctx); err != nil {
				return nil, err
			}
			continue
		}
		c.reads++
		if c.reads <= DirectReads {
			c.mu.Unlock()
			return c.fetch(ctx, id, getOne)
		}
		if err := c.listLocked(ctx, listAll); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// A failed listing is not fatal: fall back to one GET.
			return c.fetch(ctx, id, getOne)
		}
	}
}

// ErrNoSnapshot says that the collection could not be listed in this
// command, so the caller must ask object by object.
var ErrNoSnapshot = errors.New("no snapshot of the collection in this command")

// all returns every object of the collection, listing it now unless this
// command already did; callers that need many objects at once (a group's
// members by userName) use it instead of asking object by object. It
// returns ErrNoSnapshot when the listing failed.
func (c *collection[T]) all(ctx context.Context, listAll func(context.Context, func(id string, v *T)) error) ([]*T, error) {
	for {
		c.mu.Lock()
		if c.complete {
			items := make([]*T, 0, len(c.items))
			for _, v := range c.items {
				items = append(items, v)
			}
			c.mu.Unlock()
			return items, nil
		}
		if c.listFailed {
			c.mu.Unlock()
			return nil, ErrNoSnapshot
		}
		if c.loading != nil {
			if err := c.awaitListing(ctx); err != nil {
				return nil, err
			}
			continue
		}
		if err := c.listLocked(ctx, listAll); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, ErrNoSnapshot
		}
	}
}

// awaitListing is called with c.mu held while a listing is in progress. It
// releases c.mu and waits for the listing to end, or for the caller to give
// up (its context's error).
func (c *collection[T]) awaitListing(ctx context.Context) error {
	wait := c.loading
	c.mu.Unlock()
	select {
	case <-wait:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listLocked lists the collection into the snapshot. It is called with c.mu
// held and returns with it released; concurrent callers wait on c.loading.
func (c *collection[T]) listLocked(ctx context.Context, listAll func(context.Context, func(id string, v *T)) error) error {
	done := make(chan struct{})
	c.loading = done
	c.changed = map[string]*T{}
	c.mu.Unlock()

	items := map[string]*T{}
	err := listAll(ctx, func(id string, v *T) { items[id] = v })

	c.mu.Lock()
	c.loading = nil
	switch {
	case err == nil:
		// Writes made while the listing ran are newer than it.
		for id, v := range c.changed {
			if v == nil {
				delete(items, id)
			} else {
				items[id] = v
			}
		}
		c.items = items
		c.complete = true
	case ctx.Err() == nil:
		c.listFailed = true
	}
	c.changed = nil
	c.mu.Unlock()
	close(done)
	return err
}

func (c *collection[T]) fetch(ctx context.Context, id string, getOne func(context.Context, string) (*T, error)) (*T, error) {
	v, err := getOne(ctx, id)
	if err != nil {
		return nil, err
	}
	c.put(id, v)
	return v, nil
}

// put records an object this provider wrote or read.
func (c *collection[T]) put(id string, v *T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[id] = v
	if c.changed != nil {
		c.changed[id] = v
	}
}

// remove forgets an object this provider deleted, so that a later Read
// asks the server (and gets its 404) rather than trusting the snapshot.
func (c *collection[T]) remove(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.items, id)
	if c.changed != nil {
		c.changed[id] = nil
	}
}

// Users is the snapshot of the connection's SCIM users.
type Users struct{ c *collection[scim.User] }

// NewUsers returns an empty snapshot of users.
func NewUsers() *Users { return &Users{c: newCollection[scim.User]()} }

// Get returns the user with id: from the snapshot once it is taken, else
// by a GET through client. A user that does not exist matches
// httpx.ErrNotFound.
func (u *Users) Get(ctx context.Context, client *scim.Client, id string) (*scim.User, error) {
	if id == "" {
		return nil, &scim.NotFoundError{Resource: "User", Attribute: "id", Value: id}
	}
	return u.c.get(ctx, id, client.GetUser, listUsers(client))
}

// All lists every user of the connection once per command; see collection.all.
func (u *Users) All(ctx context.Context, client *scim.Client) ([]*scim.User, error) {
	return u.c.all(ctx, listUsers(client))
}

func listUsers(client *scim.Client) func(context.Context, func(string, *scim.User)) error {
	return func(ctx context.Context, add func(string, *scim.User)) error {
		return client.EachUser(ctx, "", 0, func(v *scim.User) error {
			add(v.ID, v)
			return nil
		})
	}
}

// Put records a user this provider wrote or read.
func (u *Users) Put(v *scim.User) { u.c.put(v.ID, v) }

// Remove forgets a user this provider deleted.
func (u *Users) Remove(id string) { u.c.remove(id) }

// Groups is the snapshot of the connection's SCIM groups, members included.
type Groups struct{ c *collection[scim.Group] }

// NewGroups returns an empty snapshot of groups.
func NewGroups() *Groups { return &Groups{c: newCollection[scim.Group]()} }

// Get returns the group with id, members included: from the snapshot once
// it is taken, else by a GET through client. A group that does not exist
// matches httpx.ErrNotFound.
func (g *Groups) Get(ctx context.Context, client *scim.Client, id string) (*scim.Group, error) {
	if id == "" {
		return nil, &scim.NotFoundError{Resource: "Group", Attribute: "id", Value: id}
	}
	return g.c.get(ctx, id, client.GetGroup, func(ctx context.Context, add func(string, *scim.Group)) error {
		groups, err := client.ListGroups(ctx, "", true)
		if err != nil {
			return err
		}
		for _, v := range groups {
			add(v.ID, v)
		}
		return nil
	})
}

// Put records a group this provider wrote or read.
func (g *Groups) Put(v *scim.Group) { g.c.put(v.ID, v) }

// Remove forgets a group this provider deleted.
func (g *Groups) Remove(id string) { g.c.remove(id) }

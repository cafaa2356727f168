package mockhub

// The visibility_delay_ms fault: a SCIM write to a faulted route is applied
// and answered at once, but for visibility_delay_ms afterwards GETs and
// lists of the resource it wrote show what was there before (nothing after
// a create, the resource as it was after a replace, PATCH or delete), as a
// read replica that lags would. Writes always see the truth: a PUT to a
// user created a moment ago succeeds. Only the resource written lags (a
// group's members change at once in the users' groups), and only SCIM
// reads do: the management API sees every change at once.

import (
	"context"
	"net/http"
	"sync"
	"time"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// delayKey carries a write's visibility delay in its request's context.
type delayKey struct{}

// withVisibilityDelay marks r's writes as visible only after d.
func withVisibilityDelay(r *http.Request, d time.Duration) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), delayKey{}, d))
}

func visibilityDelay(r *http.Request) time.Duration {
	d, _ := r.Context().Value(delayKey{}).(time.Duration)
	return d
}

type staleKey struct {
	conn *connection
	noun string // "user" or "group"
	id   string
}

// staleEntry is what reads of one resource show until until: before (nil:
// not found) at version, and item, the stored resource, so that a deleted
// one is still listed.
type staleEntry struct {
	until   time.Time
	before  se.Resource
	version uint64
	item    any
}

// staleViews are the resources whose latest writes are not visible yet.
type staleViews struct {
	mu sync.Mutex
	m  map[staleKey]*staleEntry
}

// hide records a write of key at now: reads show before until now+d. A
// resource written again while hidden keeps the view from before the first
// write, for longer.
func (sv *staleViews) hide(key staleKey, now time.Time, d time.Duration, before se.Resource, version uint64, item any) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if sv.m == nil {
		sv.m = map[staleKey]*staleEntry{}
	}
	if e := sv.m[key]; e != nil && now.Before(e.until) {
		e.until, e.item = now.Add(d), item
		return
	}
	sv.m[key] = &staleEntry{until: now.Add(d), before: before, version: version, item: item}
}

// view returns the stale entry of key at now, or nil when reads see the
// truth; expired entries are dropped.
func (sv *staleViews) view(key staleKey, now time.Time) *staleEntry {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	e := sv.m[key]
	if e != nil && !now.Before(e.until) {
		delete(sv.m, key)
		return nil
	}
	return e
}

// hidden lists the live entries of conn's resources of noun.
func (sv *staleViews) hidden(conn *connection, noun string, now time.Time) map[string]*staleEntry {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	var out map[string]*staleEntry
	for k, e := range sv.m {
		if !now.Before(e.until) {
			delete(sv.m, k)
			continue
		}
		if k.conn == conn && k.noun == noun {
			if out == nil {
				out = map[string]*staleEntry{}
			}
			out[k.id] = e
		}
	}
	return out
}

func (sv *staleViews) clear() {
	sv.mu.Lock()
	sv.m = nil
	sv.mu.Unlock()
}

// recordWrite hides a write of v (before: its resource before the write,
// nil for a create) when r carries a visibility delay; the caller holds the
// write lock.
func recordWrite[T, In any](s *Server, r *http.Request, kind resourceKind[T, In], c *connection, v *T, before se.Resource, version uint64) {
	if d := visibilityDelay(r); d > 0 {
		s.stale.hide(staleKey{c, kind.noun, kind.id(v)}, s.now(), d, before, version, v)
	}
}

// visibleItems is what a list of conn's resources for filter f sees:
// kind's candidates without those created too recently, plus those deleted
// too recently, each rendered as reads see it. With nothing hidden it is
// the candidates and render unchanged; otherwise every resource is a
// candidate, since the indexes hold the truth.
func visibleItems[T, In any](s *Server, kind resourceKind[T, In], c *connection, f *se.Filter, render func(*T) se.Resource) ([]*T, func(*T) se.Resource) {
	hidden := s.stale.hidden(c, kind.noun, s.now())
	if hidden == nil {
		return kind.candidates(c, f), render
	}
	items := kind.candidates(c, nil)
	out := make([]*T, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, v := range items {
		id := kind.id(v)
		seen[id] = true
		if e := hidden[id]; e != nil && e.before == nil {
			continue // created, not visible yet
		}
		out = append(out, v)
	}
	for _, id := range sortedKeys(hidden) {
		if e := hidden[id]; !seen[id] && e.before != nil {
			if v, ok := e.item.(*T); ok && kind.lookup(c, id) == nil {
				out = append(out, v) // deleted, still visible
			}
		}
	}
	return out, func(v *T) se.Resource {
		if e := hidden[kind.id(v)]; e != nil {
			return e.before
		}
		return render(v)
	}
}

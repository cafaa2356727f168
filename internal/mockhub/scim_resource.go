package mockhub

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// resourceKind tells the handlers shared by /Users/{id} and /Groups/{id}
// how to find, version and render one SCIM resource type of a connection.
// resourceKind is what the generic SCIM handlers need to know of a resource
// type: T is its stored form, In the typed input a request body decodes to.
type resourceKind[T, In any] struct {
	rt      *se.ResourceType
	noun    string
	lookup  func(c *connection, id string) *T
	version func(v *T) uint64
	render  func(st *store, v *T, base string) se.Resource
	id      func(v *T) string
	// candidates narrows a list to what an index can answer for f, or
	// returns everything in creation order.
	candidates func(c *connection, f *se.Filter) []*T
	// decode reads a resource the engine normalised (a POST or PUT body,
	// or the result of a PATCH) into typed input.
	decode func(res se.Resource) (*In, error)
	// create checks in against the connection and adds a new resource;
	// update checks it and applies it to v; remove deletes v. They run
	// under the write lock.
	create func(st *store, c *connection, in *In) (*T, error)
	update func(st *store, c *connection, v *T, in *In) error
	remove func(st *store, v *T)
}

var (
	userKind = resourceKind[scimUser, userInput]{
		rt:      se.UserResourceType,
		noun:    "user",
		lookup:  func(c *connection, id string) *scimUser { return c.users[id] },
		version: func(u *scimUser) uint64 { return u.Version },
		render:  (*store).userResource,
		id:      func(u *scimUser) string { return u.ID },

		candidates: userCandidates,
		decode:     parseUser,
		create:     (*store).createUser,
		update:     (*store).updateUser,
		remove:     func(st *store, u *scimUser) { st.deleteUser(u) },
	}
	groupKind = resourceKind[scimGroup, groupInput]{
		rt:      se.GroupResourceType,
		noun:    "group",
		lookup:  func(c *connection, id string) *scimGroup { return c.groups[id] },
		version: func(g *scimGroup) uint64 { return g.Version },
		render:  (*store).groupResource,
		id:      func(g *scimGroup) string { return g.ID },

		candidates: groupCandidates,
		decode:     parseGroup,
		create:     (*store).createGroup,
		update:     (*store).updateGroup,
		remove:     func(st *store, g *scimGroup) { st.deleteGroup(g) },
	}
)

// getHandler answers GET on the resource named by the path, honouring
// If-None-Match.
func getHandler[T, In any](s *Server, kind resourceKind[T, In]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		base := scimBaseURL(r)
		st := s.st
		st.mu.RLock()
		c := s.scimConn(w, r)
		if c == nil {
			st.mu.RUnlock()
			return
		}
		v := kind.lookup(c, r.PathValue("id"))
		if e := s.stale.view(staleKey{c, kind.noun, r.PathValue("id")}, s.now()); e != nil {
			// The latest write is not visible yet (visibility_delay_ms).
			st.mu.RUnlock()
			if e.before == nil {
				writeSCIMError(w, http.StatusNotFound, "", fmt.Sprintf("%s %q not found", kind.noun, r.PathValue("id")))
				return
			}
			writeResource(w, r, kind.rt, http.StatusOK, e.before, s.etagVersion(e.version))
			return
		}
		if v == nil {
			st.mu.RUnlock()
			writeSCIMError(w, http.StatusNotFound, "", fmt.Sprintf("%s %q not found", kind.noun, r.PathValue("id")))
			return
		}
		version := s.etagVersion(kind.version(v))
		if h := r.Header.Get("If-None-Match"); h != "" && version != 0 && etagMatches(h, version) {
			st.mu.RUnlock()
			w.Header().Set("ETag", etag(version))
			w.WriteHeader(http.StatusNotModified)
			return
		}
		res := kind.render(st, v, base)
		st.mu.RUnlock()
		writeResource(w, r, kind.rt, http.StatusOK, res, version)
	}
}

// decodeBody reads a POST or PUT body through the engine into typed input,
// answering and returning nil on failure.
func decodeBody[T, In any](w http.ResponseWriter, r *http.Request, kind resourceKind[T, In]) *In {
	body := scimBody(w, r)
	if body == nil {
		return nil
	}
	res, err := se.Normalize(kind.rt, body)
	if err == nil {
		var in *In
		if in, err = kind.decode(res); err == nil {
			return in
		}
	}
	writeSCIMErr(w, err)
	return nil
}

// createHandler answers POST on a collection: 201 with the new resource.
func createHandler[T, In any](s *Server, kind resourceKind[T, In]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in := decodeBody(w, r, kind)
		if in == nil {
			return
		}
		base := scimBaseURL(r)
		var res se.Resource
		var version uint64
		err := func() error {
			st := s.st
			st.mu.Lock()
			defer st.mu.Unlock()
			c := s.scimConn(w, r)
			if c == nil {
				return errAnswered
			}
			v, err := kind.create(st, c, in)
			if err != nil {
				return err
			}
			recordWrite(s, r, kind, c, v, nil, 0)
			s.persist(r)
			res, version = kind.render(st, v, base), s.etagVersion(kind.version(v))
			return nil
		}()
		if err != nil {
			if !errors.Is(err, errAnswered) {
				writeSCIMErr(w, err)
			}
			return
		}
		writeResource(w, r, kind.rt, http.StatusCreated, res, version)
	}
}

// replaceHandler answers PUT on a resource.
func replaceHandler[T, In any](s *Server, kind resourceKind[T, In]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in := decodeBody(w, r, kind)
		if in == nil {
			return
		}
		mutateResource(s, w, r, kind, func(st *store, c *connection, v *T) (bool, error) {
			return false, kind.update(st, c, v, in)
		})
	}
}

// patchHandler answers PATCH on a resource: the engine applies the
// operations to the resource as served, and the result goes through the
// same decode and update as a PUT.
func patchHandler[T, In any](s *Server, kind resourceKind[T, In]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := scimBody(w, r)
		if body == nil {
			return
		}
		ops, err := patchOps(body)
		if err != nil {
			writeSCIMErr(w, err)
			return
		}
		base := scimBaseURL(r)
		mutateResource(s, w, r, kind, func(st *store, c *connection, v *T) (bool, error) {
			next, err := se.ApplyPatch(kind.rt, kind.render(st, v, base), ops)
			if err != nil {
				return false, err
			}
			in, err := kind.decode(next)
			if err != nil {
				return false, err
			}
			return false, kind.update(st, c, v, in)
		})
	}
}

// deleteHandler answers DELETE on a resource: 204.
func deleteHandler[T, In any](s *Server, kind resourceKind[T, In]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		mutateResource(s, w, r, kind, func(st *store, _ *connection, v *T) (bool, error) {
			kind.remove(st, v)
			return true, nil
		})
	}
}

// mutateResource runs fn on the resource named by the path under the write
// lock, after authentication, lookup and If-Match, then saves and answers
// with the resource (or 204 when fn deleted it).
func mutateResource[T, In any](s *Server, w http.ResponseWriter, r *http.Request, kind resourceKind[T, In],
	fn func(st *store, c *connection, v *T) (deleted bool, err error),
) {
	base := scimBaseURL(r)
	var res se.Resource
	var version uint64
	var deleted bool
	err := func() error {
		st := s.st
		st.mu.Lock()
		defer st.mu.Unlock()
		c := s.scimConn(w, r)
		if c == nil {
			return errAnswered
		}
		v := kind.lookup(c, r.PathValue("id"))
		if v == nil {
			return scimErr(http.StatusNotFound, "", "%s %q not found", kind.noun, r.PathValue("id"))
		}
		if s.dialect.etags {
			if err := checkIfMatch(r, kind.version(v)); err != nil {
				return err
			}
		}
		var before se.Resource
		beforeVersion := kind.version(v)
		if visibilityDelay(r) > 0 {
			before = kind.render(st, v, base)
		}
		var err error
		if deleted, err = fn(st, c, v); err != nil {
			return err
		}
		recordWrite(s, r, kind, c, v, before, beforeVersion)
		s.persist(r)
		if !deleted {
			res, version = kind.render(st, v, base), s.etagVersion(kind.version(v))
		}
		return nil
	}()
	switch {
	case errors.Is(err, errAnswered):
	case err != nil:
		writeSCIMErr(w, err)
	case deleted:
		w.WriteHeader(http.StatusNoContent)
	default:
		writeResource(w, r, kind.rt, http.StatusOK, res, version)
	}
}

// listHandler answers GET on a collection, with its query parameters.
func listHandler[T, In any](s *Server, kind resourceKind[T, In]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := listParamsFromQuery(r)
		if err != nil {
			writeSCIMErr(w, err)
			return
		}
		listResources(s, w, r, kind, p)
	}
}

// searchHandler answers POST /.search on a collection (RFC 7644 §3.4.3).
func searchHandler[T, In any](s *Server, kind resourceKind[T, In]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := scimBody(w, r)
		if body == nil {
			return
		}
		p, err := listParamsFromSearch(body)
		if err != nil {
			writeSCIMErr(w, err)
			return
		}
		listResources(s, w, r, kind, p)
	}
}

// listResources runs a list: filter, sort and page under the read lock.
func listResources[T, In any](s *Server, w http.ResponseWriter, r *http.Request, kind resourceKind[T, In], p *listParams) {
	if err := checkSortOrder(p); err != nil {
		writeSCIMErr(w, err)
		return
	}
	var f *se.Filter
	if strings.TrimSpace(p.filter) != "" {
		var err error
		if f, err = se.ParseFilter(kind.rt, p.filter); err != nil {
			writeSCIMErr(w, err)
			return
		}
	}
	base := scimBaseURL(r)
	st := s.st
	st.mu.RLock()
	c := s.scimConn(w, r)
	if c == nil {
		st.mu.RUnlock()
		return
	}
	items, render := visibleItems(s, kind, c, f, func(v *T) se.Resource { return kind.render(st, v, base) })
	out, err := list(kind.rt, p, f, items, render, kind.id)
	st.mu.RUnlock()
	if err != nil {
		writeSCIMErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, scimContentType, s.dialect.listAnswer(out))
}

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
type resourceKind[T any] struct {
	rt      *se.ResourceType
	noun    string
	lookup  func(c *connection, id string) *T
	version func(v *T) uint64
	render  func(st *store, v *T, base string) se.Resource
	id      func(v *T) string
	// candidates narrows a list to what an index can answer for f, or
	// returns everything in creation order.
	candidates func(c *connection, f *se.Filter) []*T
}

var (
	userKind = resourceKind[scimUser]{
		rt:      se.UserResourceType,
		noun:    "user",
		lookup:  func(c *connection, id string) *scimUser { return c.users[id] },
		version: func(u *scimUser) uint64 { return u.Version },
		render:  (*store).userResource,
		id:      func(u *scimUser) string { return u.ID },

		candidates: userCandidates,
	}
	groupKind = resourceKind[scimGroup]{
		rt:      se.GroupResourceType,
		noun:    "group",
		lookup:  func(c *connection, id string) *scimGroup { return c.groups[id] },
		version: func(g *scimGroup) uint64 { return g.Version },
		render:  (*store).groupResource,
		id:      func(g *scimGroup) string { return g.ID },

		candidates: groupCandidates,
	}
)

// getHandler answers GET on the resource named by the path, honouring
// If-None-Match.
func getHandler[T any](s *Server, kind resourceKind[T]) http.HandlerFunc {
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
		if v == nil {
			st.mu.RUnlock()
			writeSCIMError(w, http.StatusNotFound, "", fmt.Sprintf("%s %q not found", kind.noun, r.PathValue("id")))
			return
		}
		version := kind.version(v)
		if h := r.Header.Get("If-None-Match"); h != "" && etagMatches(h, version) {
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

// mutateResource runs fn on the resource named by the path under the write
// lock, after authentication, lookup and If-Match, then saves and answers
// with the resource (or 204 when fn deleted it).
func mutateResource[T any](s *Server, w http.ResponseWriter, r *http.Request, kind resourceKind[T],
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
		if err := checkIfMatch(r, kind.version(v)); err != nil {
			return err
		}
		var err error
		if deleted, err = fn(st, c, v); err != nil {
			return err
		}
		s.persist(r)
		if !deleted {
			res, version = kind.render(st, v, base), kind.version(v)
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
func listHandler[T any](s *Server, kind resourceKind[T]) http.HandlerFunc {
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
func searchHandler[T any](s *Server, kind resourceKind[T]) http.HandlerFunc {
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
func listResources[T any](s *Server, w http.ResponseWriter, r *http.Request, kind resourceKind[T], p *listParams) {
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
	out, err := list(kind.rt, p, f, kind.candidates(c, f),
		func(v *T) se.Resource { return kind.render(st, v, base) }, kind.id)
	st.mu.RUnlock()
	if err != nil {
		writeSCIMErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, scimContentType, out)
}

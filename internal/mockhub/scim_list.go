package mockhub

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// --- listing -------------------------------------------------------------------

type listParams struct {
	filter     string
	startIndex int
	count      int
	sortBy     string
	sortOrder  string
	attrs      []string
	excluded   []string
}

func listParamsFromQuery(r *http.Request) (*listParams, error) {
	q := r.URL.Query()
	p := &listParams{
		filter: q.Get("filter"), sortBy: q.Get("sortBy"), sortOrder: q.Get("sortOrder"),
		attrs: splitAttrs(q.Get("attributes")), excluded: splitAttrs(q.Get("excludedAttributes")),
	}
	var err error
	if p.startIndex, err = intParam(q.Get("startIndex"), 1, "startIndex"); err != nil {
		return nil, err
	}
	if p.count, err = intParam(q.Get("count"), defaultCount, "count"); err != nil {
		return nil, err
	}
	return p.clamp(), nil
}

func intParam(v string, def int, name string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, scimErr(http.StatusBadRequest, "invalidValue", "%s must be an integer, not %q", name, v)
	}
	return n, nil
}

// clamp applies RFC 7644 §3.4.2.4: startIndex below 1 reads as 1, a negative
// count as 0, and count is capped at maxResults.
func (p *listParams) clamp() *listParams {
	p.startIndex = max(p.startIndex, 1)
	p.count = min(max(p.count, 0), maxResults)
	return p
}

// listParamsFromSearch reads a POST .search body (RFC 7644 §3.4.3).
func listParamsFromSearch(body map[string]any) (*listParams, error) {
	p := &listParams{startIndex: 1, count: defaultCount}
	for k, v := range body {
		switch strings.ToLower(k) {
		case "filter":
			p.filter = str(v)
		case "sortby":
			p.sortBy = str(v)
		case "sortorder":
			p.sortOrder = str(v)
		case "startindex", "count":
			f, ok := v.(float64)
			if !ok {
				return nil, scimErr(http.StatusBadRequest, "invalidValue", "%s must be an integer", k)
			}
			if strings.EqualFold(k, "count") {
				p.count = int(f)
			} else {
				p.startIndex = int(f)
			}
		case "attributes", "excludedattributes":
			var l []string
			switch x := v.(type) {
			case string:
				l = splitAttrs(x)
			case []any:
				for _, e := range x {
					l = append(l, str(e))
				}
			}
			if strings.EqualFold(k, "attributes") {
				p.attrs = l
			} else {
				p.excluded = l
			}
		}
	}
	return p.clamp(), nil
}

// listable is a stored resource a list can render.
type listable interface{ comparable }

// list runs a SCIM list over items: index candidates (already narrowed by the
// caller) or everything, filtered, sorted and paged. render builds a
// resource. The caller holds a read lock.
func list[T listable](rt *se.ResourceType, p *listParams, f *se.Filter, items []T, render func(T) se.Resource, id func(T) string) (map[string]any, error) {
	type entry struct {
		item T
		res  se.Resource
	}
	var matched []entry
	if f != nil {
		for _, it := range items {
			res := render(it)
			if f.Match(res) {
				matched = append(matched, entry{it, res})
			}
		}
	} else {
		if p.sortBy == "" {
			// Fast path: page straight out of the insertion order.
			total := len(items)
			lo := min(p.startIndex-1, total)
			hi := min(lo+p.count, total)
			out := make([]any, 0, hi-lo)
			for _, it := range items[lo:hi] {
				res, err := projectList(rt, render(it), p)
				if err != nil {
					return nil, err
				}
				out = append(out, res)
			}
			return listResponse(total, p.startIndex, out), nil
		}
		matched = make([]entry, len(items))
		for i, it := range items {
			matched[i] = entry{it, render(it)}
		}
	}
	if p.sortBy != "" {
		cmp, err := se.Comparator(rt, p.sortBy, p.sortOrder)
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(matched, func(a, b entry) int {
			if c := cmp(a.res, b.res); c != 0 {
				return c
			}
			return strings.Compare(id(a.item), id(b.item))
		})
	}
	total := len(matched)
	lo := min(p.startIndex-1, total)
	hi := min(lo+p.count, total)
	out := make([]any, 0, hi-lo)
	for _, e := range matched[lo:hi] {
		res, err := projectList(rt, e.res, p)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return listResponse(total, p.startIndex, out), nil
}

func projectList(rt *se.ResourceType, res se.Resource, p *listParams) (se.Resource, error) {
	if len(p.attrs) == 0 && len(p.excluded) == 0 {
		return res, nil
	}
	return se.Project(rt, res, p.attrs, p.excluded)
}

func checkSortOrder(p *listParams) error {
	switch strings.ToLower(p.sortOrder) {
	case "", "ascending", "descending":
		return nil
	}
	return scimErr(http.StatusBadRequest, "invalidValue", "sortOrder must be ascending or descending, not %q", p.sortOrder)
}

func sortedBySeq[T interface{ seqOf() uint64 }](l []T) []T {
	l = slices.Clone(l)
	slices.SortFunc(l, func(a, b T) int { return cmp.Compare(a.seqOf(), b.seqOf()) })
	return l
}

package mockhub

import (
	"fmt"
	"net/http"
	"strings"

	se "github.com/dockerscim/terraform-provider-docker/internal/mockhub/scimengine"
)

// --- discovery ---------------------------------------------------------------

func (s *Server) scimServiceProviderConfig(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	out := make(map[string]any, len(s.dialect.serviceProviderConfig)+1)
	for k, v := range s.dialect.serviceProviderConfig {
		out[k] = v
	}
	out["meta"] = map[string]any{"resourceType": "ServiceProviderConfig", "location": scimBaseURL(r) + "/ServiceProviderConfig"}
	writeJSON(w, http.StatusOK, scimContentType, out)
}

func listResponse(total, start int, resources []any) map[string]any {
	if resources == nil {
		resources = []any{}
	}
	return map[string]any{
		"schemas":      []string{se.ListResponseURN},
		"totalResults": total,
		"startIndex":   start,
		"itemsPerPage": len(resources),
		"Resources":    resources,
	}
}

// listAnswer moves a list answer's resources under the dialect's key.
func (d *dialect) listAnswer(m map[string]any) map[string]any {
	if d.listKey != "Resources" {
		m[d.listKey] = m["Resources"]
		delete(m, "Resources")
	}
	return m
}

func (s *Server) scimSchemas(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	var out []any
	for _, sc := range s.dialect.schemas {
		out = append(out, s.dialect.schemaJSON(sc, scimBaseURL(r)))
	}
	writeJSON(w, http.StatusOK, scimContentType, s.dialect.listAnswer(listResponse(len(out), 1, out)))
}

func (s *Server) scimSchema(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	id := r.PathValue("id")
	for _, sc := range s.dialect.schemas {
		if strings.EqualFold(sc.ID, id) {
			writeJSON(w, http.StatusOK, scimContentType, s.dialect.schemaJSON(sc, scimBaseURL(r)))
			return
		}
	}
	writeSCIMError(w, http.StatusNotFound, "", fmt.Sprintf("schema %q not found", id))
}

func (s *Server) scimResourceTypes(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	var out []any
	for _, rt := range s.dialect.resourceTypes {
		out = append(out, se.ResourceTypeJSON(rt, scimBaseURL(r)))
	}
	writeJSON(w, http.StatusOK, scimContentType, s.dialect.listAnswer(listResponse(len(out), 1, out)))
}

func (s *Server) scimResourceType(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	name := r.PathValue("name")
	for _, rt := range s.dialect.resourceTypes {
		if strings.EqualFold(rt.Name, name) || strings.EqualFold(rt.ID, name) {
			writeJSON(w, http.StatusOK, scimContentType, se.ResourceTypeJSON(rt, scimBaseURL(r)))
			return
		}
	}
	writeSCIMError(w, http.StatusNotFound, "", fmt.Sprintf("resource type %q not found", name))
}

func (s *Server) scimNotImplemented(w http.ResponseWriter, r *http.Request) {
	if !s.scimAuthOnly(w, r) {
		return
	}
	writeSCIMError(w, http.StatusNotImplemented, "", fmt.Sprintf("%s is not supported by Docker Hub's SCIM API", strings.TrimPrefix(r.URL.Path, SCIMBasePath)))
}

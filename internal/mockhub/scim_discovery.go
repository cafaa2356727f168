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
	base := scimBaseURL(r)
	writeJSON(w, http.StatusOK, scimContentType, map[string]any{
		"schemas":          []string{se.ServiceProviderConfigURN},
		"documentationUri": "https://docs.docker.com/security/for-admins/provisioning/scim/",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": maxResults},
		"changePassword":   map[string]any{"supported": false},
		"sort":             map[string]any{"supported": true},
		"etag":             map[string]any{"supported": true},
		"authenticationSchemes": []any{map[string]any{
			"type":        "oauthbearertoken",
			"name":        "OAuth Bearer Token",
			"description": "The SCIM API token of the SSO connection, shown once when SCIM is enabled or the token rotated.",
			"primary":     true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": base + "/ServiceProviderConfig"},
	})
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

func (s *Server) scimSchemas(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	var out []any
	for _, sc := range se.Schemas() {
		out = append(out, se.SchemaJSON(sc, scimBaseURL(r)))
	}
	writeJSON(w, http.StatusOK, scimContentType, listResponse(len(out), 1, out))
}

func (s *Server) scimSchema(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	id := r.PathValue("id")
	for _, sc := range se.Schemas() {
		if strings.EqualFold(sc.ID, id) {
			writeJSON(w, http.StatusOK, scimContentType, se.SchemaJSON(sc, scimBaseURL(r)))
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
	for _, rt := range se.ResourceTypes() {
		out = append(out, se.ResourceTypeJSON(rt, scimBaseURL(r)))
	}
	writeJSON(w, http.StatusOK, scimContentType, listResponse(len(out), 1, out))
}

func (s *Server) scimResourceType(w http.ResponseWriter, r *http.Request) {
	if !s.scimDiscovery(w, r) {
		return
	}
	name := r.PathValue("name")
	for _, rt := range se.ResourceTypes() {
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

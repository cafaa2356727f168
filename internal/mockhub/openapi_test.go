package mockhub

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// TestOpenAPIDescribesEveryRoute keeps openapi.yaml valid OpenAPI and in
// step with the route table: every management route is described, and
// every described operation is served.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	raw, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc, "openapi.yaml")
	described := map[string]bool{}
	for path, item := range spec.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, name := range newEnv(t).srv.routeNames {
		method, path, _ := strings.Cut(name, " ")
		if strings.HasPrefix(path, SCIMBasePath) || strings.HasPrefix(name, SCIMBasePath) {
			continue // SCIM: RFC 7644 and /Schemas describe it
		}
		served[name] = true
		if !described[method+" "+path] {
			t.Errorf("openapi.yaml does not describe %s", name)
		}
	}
	for op := range described {
		if !served[op] && !strings.Contains(op, " /_mock/") {
			t.Errorf("openapi.yaml describes %s, which mockhub does not serve", op)
		}
	}
}

// loadOpenAPI loads the OpenAPI document doc (what names it) and fails t
// unless it is valid OpenAPI.
func loadOpenAPI(t *testing.T, doc any, what string, opts ...openapi3.ValidationOption) *openapi3.T {
	t.Helper()
	j, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(j)
	if err != nil {
		t.Fatalf("loading %s: %v", what, err)
	}
	if err := spec.Validate(loader.Context, opts...); err != nil {
		t.Fatalf("%s is not valid OpenAPI: %v", what, err)
	}
	return spec
}

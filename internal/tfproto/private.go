package tfproto

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Private is a resource's private state in the format
// terraform-plugin-framework writes (a JSON object whose values are JSON
// documents, base64-encoded), so that state written while the resource was
// served by the framework reads the same here. A nil Private is empty.
type Private map[string][]byte

// DecodePrivate reads private state; anything unreadable counts as empty,
// as the framework treats it.
func DecodePrivate(b []byte) Private {
	p := Private{}
	if len(b) > 0 {
		_ = json.Unmarshal(b, (*map[string][]byte)(&p))
	}
	return p
}

// Encode writes p; nil when it holds nothing.
func (p Private) Encode() []byte {
	if len(p) == 0 {
		return nil
	}
	b, _ := json.Marshal(map[string][]byte(p))
	return b
}

// GetKey returns the JSON stored under key, or nil.
func (p Private) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

// SetKey stores the JSON value under key; an empty value removes the key.
func (p Private) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
		return nil
	}
	p[key] = value
	return nil
}

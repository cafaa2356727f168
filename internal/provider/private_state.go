package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the part of private state the provider reads back:
// resp.Private and req.Private both have these methods.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

const etagKey = "etag"

// setETag remembers the version of the object last read or written, so that
// the next update can be made conditional on it.
func setETag(ctx context.Context, p privateState, etag string) diag.Diagnostics {
	if p == nil {
		return nil
	}
	if etag == "" {
		return p.SetKey(ctx, etagKey, nil)
	}
	b, _ := json.Marshal(etag)
	return p.SetKey(ctx, etagKey, b)
}

func getETag(ctx context.Context, p interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}) (string, diag.Diagnostics) {
	if p == nil {
		return "", nil
	}
	b, diags := p.GetKey(ctx, etagKey)
	if len(b) == 0 {
		return "", diags
	}
	var etag string
	if err := json.Unmarshal(b, &etag); err != nil {
		return "", diags
	}
	return etag, diags
}

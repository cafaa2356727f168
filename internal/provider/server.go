package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns the provider as a protocol 6 server: the framework's
// server, with each per-object RPC's context detached once the RPC returns,
// combined with docker_scim_roster by terraform-plugin-mux (see
// newMuxServer).
//
// Why: terraform-plugin-framework (v1.19) keeps the CancelFunc of every RPC's
// context until StopProvider, which a normal run never sends, and each one
// holds that RPC's whole context chain (terraform-plugin-go's loggers and
// fields, about 14 KB). A plan of 5,000 resources makes 20,000 such RPCs, so
// the provider's memory grew without bound. Detaching leaves the framework
// holding a few hundred bytes per RPC instead, and changes nothing while the
// RPC runs: values, deadline and cancellation all come from the real context.
func NewServer(version string) tfprotov6.ProviderServer {
	return newMuxServer(version)
}

// detachingServer wraps the unary RPCs that run once per resource or data
// source. The others (provider-level, and the streaming ones whose results
// are read after the method returns) pass through unchanged.
type detachingServer struct {
	tfprotov6.ProviderServer
}

// detached calls fn with a context that forgets ctx when fn returns.
func detached[Req, Resp any](ctx context.Context, req Req, fn func(context.Context, Req) (Resp, error)) (Resp, error) {
	d := newDetachableContext(ctx)
	defer d.detach()
	return fn(d, req)
}

func (s detachingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return detached(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s detachingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return detached(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s detachingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return detached(ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s detachingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return detached(ctx, req, s.ProviderServer.ReadResource)
}

func (s detachingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return detached(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s detachingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return detached(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s detachingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return detached(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s detachingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return detached(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s detachingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return detached(ctx, req, s.ProviderServer.ReadDataSource)
}

// ListResource passes through: tfprotov6.ProviderServer does not declare
// it yet, so the embedded interface alone would hide the framework's.
func (s detachingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return s.ProviderServer.(tfprotov6.ListResourceServer).ListResource(ctx, req)
}

// ValidateListResourceConfig passes through, as ListResource.
func (s detachingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return s.ProviderServer.(tfprotov6.ListResourceServer).ValidateListResourceConfig(ctx, req)
}

// GenerateResourceConfig is the framework's, except that docker_group_mapping
// leaves its membership out (see groupMappingGeneratedConfig).
func (s detachingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	resp, err := s.ProviderServer.GenerateResourceConfig(ctx, req)
	if err == nil && req.TypeName == groupMappingTypeName {
		groupMappingGeneratedConfig(resp)
	}
	return resp, err
}

// detachableContext is its parent until detach, and afterwards a context
// with no values that keeps only the parent's Done channel, so that whatever
// still references it no longer keeps the parent's values alive.
type detachableContext struct {
	done <-chan struct{}

	mu     sync.RWMutex
	parent context.Context // nil once detached
}

func newDetachableContext(parent context.Context) *detachableContext {
	return &detachableContext{parent: parent, done: parent.Done()}
}

func (c *detachableContext) live() context.Context {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.parent
}

func (c *detachableContext) detach() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parent = nil
}

// Deadline is the parent's while attached.
func (c *detachableContext) Deadline() (time.Time, bool) {
	if p := c.live(); p != nil {
		return p.Deadline()
	}
	return time.Time{}, false
}

// Done is the parent's channel, the same one before and after detach, which
// lets context.WithCancel register children directly on the parent's
// cancellation rather than starting a goroutine per child.
func (c *detachableContext) Done() <-chan struct{} { return c.done }

// Err is the parent's while attached, and afterwards derived from Done.
func (c *detachableContext) Err() error {
	if p := c.live(); p != nil {
		return p.Err()
	}
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// Value is the parent's while attached, and nil afterwards.
func (c *detachableContext) Value(key any) any {
	if p := c.live(); p != nil {
		return p.Value(key)
	}
	return nil
}

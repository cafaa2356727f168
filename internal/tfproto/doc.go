// Package tfproto is what the resources served directly on
// terraform-plugin-go (protocol 6) share: attribute values as plain Go
// types, the RPCs a resource-only server answers the same way, state and
// private state kept compatible with what terraform-plugin-framework wrote,
// and diagnostics.
//
// Why these resources skip the framework: a refreshing plan costs the
// framework's per-attribute machinery (schema walks per attribute path,
// reflection, per-attribute logging contexts) several milliseconds of CPU
// per resource, more than Terraform's own cost per instance, while decoding
// a value with tftypes and encoding it back costs a few microseconds. The
// servers are combined with the framework provider by terraform-plugin-mux
// (see internal/provider/mux.go), the pattern of the Kubernetes provider's
// kubernetes_manifest; the provider block stays the framework's.
package tfproto

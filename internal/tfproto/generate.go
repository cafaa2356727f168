package tfproto

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Terraform 1.14 and later ask the provider for the configuration that
// `-generate-config-out` writes (the GenerateResourceConfig RPC), and
// terraform-plugin-mux announces that it can answer for every resource it
// serves. Earlier CLIs derive it from the state themselves. LegacyConfig is
// that derivation, transcribed from Terraform's
// genconfig.ExtractLegacyConfigFromState, as terraform-plugin-framework
// v1.19 does for its own resources, so that a resource served here
// generates the same configuration on every CLI.

// LegacyConfig returns the configuration Terraform would generate from
// state for a resource with schema s: read-only attributes, deprecated
// attributes and blocks, an Optional+Computed "id", and empty optional
// strings become null; everything else is kept.
func LegacyConfig(s *tfprotov6.Schema, state *tfprotov6.DynamicValue) (*tfprotov6.DynamicValue, error) {
	if s == nil || s.Block == nil || state == nil {
		return nil, fmt.Errorf("no schema or no state to generate configuration from")
	}
	t := s.ValueType()
	v, err := state.Unmarshal(t)
	if err != nil {
		return nil, err
	}
	v, err = tftypes.Transform(v, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsNull() || len(p.Steps()) == 0 {
			return v, nil
		}
		null := tftypes.NewValue(v.Type(), nil)
		attr, block := schemaAt(s.Block, p.Steps())
		switch {
		case attr != nil:
			if attr.Deprecated || (attr.Computed && !attr.Optional) {
				return null, nil
			}
			if len(p.Steps()) == 1 && attr.Name == "id" && attr.Computed && attr.Optional {
				return null, nil
			}
			if attr.Optional && v.Type().Is(tftypes.String) && v.IsKnown() {
				var s string
				if err := v.As(&s); err == nil && s == "" {
					return null, nil
				}
			}
		case block != nil:
			if block.Block != nil && block.Block.Deprecated {
				return null, nil
			}
		}
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	dv, err := tfprotov6.NewDynamicValue(t, v)
	return &dv, err
}

// schemaAt finds the attribute or nested block a value path ends on, or
// neither for a value inside a collection attribute. Element steps select
// an element of a nested block (a list, set or map of blocks) and are
// passed over.
func schemaAt(b *tfprotov6.SchemaBlock, steps []tftypes.AttributePathStep) (*tfprotov6.SchemaAttribute, *tfprotov6.SchemaNestedBlock) {
	var nested *tfprotov6.SchemaNestedBlock
	for i, step := range steps {
		name, ok := step.(tftypes.AttributeName)
		if !ok {
			if nested == nil {
				return nil, nil
			}
			continue
		}
		if b == nil {
			return nil, nil
		}
		nested = nil
		for _, a := range b.Attributes {
			if a.Name == string(name) {
				if i == len(steps)-1 {
					return a, nil
				}
				return nil, nil
			}
		}
		for _, nb := range b.BlockTypes {
			if nb.TypeName == string(name) {
				nested = nb
				b = nb.Block
				break
			}
		}
		if nested == nil {
			return nil, nil
		}
	}
	return nil, nested
}

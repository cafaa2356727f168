package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// caseInsensitiveStringType is a string whose values are equal when they
// differ only in case. SCIM userName is caseExact=false, so a server that
// returns JANE@example.com for jane@example.com must not cause a diff.
type caseInsensitiveStringType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = caseInsensitiveStringType{}
	_ basetypes.StringValuableWithSemanticEquals = caseInsensitiveString{}
)

func (t caseInsensitiveStringType) Equal(o attr.Type) bool {
	other, ok := o.(caseInsensitiveStringType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t caseInsensitiveStringType) String() string { return "caseInsensitiveStringType" }

func (t caseInsensitiveStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return caseInsensitiveString{StringValue: in}, nil
}

func (t caseInsensitiveStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return caseInsensitiveString{StringValue: s}, nil
}

func (t caseInsensitiveStringType) ValueType(context.Context) attr.Value {
	return caseInsensitiveString{}
}

// caseInsensitiveString is a value of caseInsensitiveStringType.
type caseInsensitiveString struct {
	basetypes.StringValue
}

func newCaseInsensitiveString(s string) caseInsensitiveString {
	return caseInsensitiveString{StringValue: basetypes.NewStringValue(s)}
}

func (v caseInsensitiveString) Equal(o attr.Value) bool {
	other, ok := o.(caseInsensitiveString)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v caseInsensitiveString) Type(context.Context) attr.Type { return caseInsensitiveStringType{} }

// StringSemanticEquals keeps the prior value when the new one differs only in case.
func (v caseInsensitiveString) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := nv.(caseInsensitiveString)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("expected caseInsensitiveString, got %T", nv))
		return false, diags
	}
	return strings.EqualFold(v.ValueString(), other.ValueString()), diags
}

package tfproto

import (
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Str is a string attribute value: null, unknown, or a value.
type Str struct {
	V       string
	Null    bool
	Unknown bool
}

// Bool is a bool attribute value: null, unknown, or a value.
type Bool struct {
	V       bool
	Null    bool
	Unknown bool
}

// Int is a whole-number attribute value: null, unknown, or a value.
type Int struct {
	V       int64
	Null    bool
	Unknown bool
}

// Known is the known string s.
func Known(s string) Str { return Str{V: s} }

// NullStr is a null string.
func NullStr() Str { return Str{Null: true} }

// UnknownStr is a string known only after apply.
func UnknownStr() Str { return Str{Unknown: true} }

// OrNull is s, or null when s is empty: SCIM has no empty strings.
func OrNull(s string) Str {
	if s == "" {
		return NullStr()
	}
	return Known(s)
}

// Value is the string a known value holds, and "" for null or unknown.
func (s Str) Value() string {
	if s.Null || s.Unknown {
		return ""
	}
	return s.V
}

// IsSet reports whether s is known and not null.
func (s Str) IsSet() bool { return !s.Null && !s.Unknown }

// KnownBool is the known bool b.
func KnownBool(b bool) Bool { return Bool{V: b} }

// StrOf reads a tftypes string.
func StrOf(v tftypes.Value) Str {
	if !v.IsKnown() {
		return Str{Unknown: true}
	}
	if v.IsNull() {
		return NullStr()
	}
	var s string
	_ = v.As(&s)
	return Known(s)
}

// BoolOf reads a tftypes bool.
func BoolOf(v tftypes.Value) Bool {
	if !v.IsKnown() {
		return Bool{Unknown: true}
	}
	if v.IsNull() {
		return Bool{Null: true}
	}
	var b bool
	_ = v.As(&b)
	return Bool{V: b}
}

// IntOf reads a tftypes number as a whole number.
func IntOf(v tftypes.Value) Int {
	if !v.IsKnown() {
		return Int{Unknown: true}
	}
	if v.IsNull() {
		return Int{Null: true}
	}
	var f big.Float
	_ = v.As(&f)
	n, _ := f.Int64()
	return Int{V: n}
}

// Terraform is s as a tftypes string.
func (s Str) Terraform() tftypes.Value { return terraformValue(tftypes.String, s.Null, s.Unknown, s.V) }

// Terraform is b as a tftypes bool.
func (b Bool) Terraform() tftypes.Value { return terraformValue(tftypes.Bool, b.Null, b.Unknown, b.V) }

// Terraform is n as a tftypes number.
func (n Int) Terraform() tftypes.Value {
	return terraformValue(tftypes.Number, n.Null, n.Unknown, new(big.Float).SetInt64(n.V))
}

func terraformValue(t tftypes.Type, null, unknown bool, v any) tftypes.Value {
	switch {
	case unknown:
		return tftypes.NewValue(t, tftypes.UnknownValue)
	case null:
		return tftypes.NewValue(t, nil)
	}
	return tftypes.NewValue(t, v)
}

// Attributes decodes dv as an object of type t into its attributes; nil
// for a null object (no value, or a resource being destroyed or created).
func Attributes(dv *tfprotov6.DynamicValue, t tftypes.Object) (map[string]tftypes.Value, error) {
	if dv == nil {
		return nil, nil
	}
	v, err := dv.Unmarshal(t)
	if err != nil || v.IsNull() {
		return nil, err
	}
	var a map[string]tftypes.Value
	if err := v.As(&a); err != nil {
		return nil, err
	}
	return a, nil
}

// Object encodes attributes a as an object of type t; nil a is a null object.
func Object(t tftypes.Object, a map[string]tftypes.Value) (*tfprotov6.DynamicValue, error) {
	v := tftypes.NewValue(t, nil)
	if a != nil {
		v = tftypes.NewValue(t, a)
	}
	dv, err := tfprotov6.NewDynamicValue(t, v)
	return &dv, err
}

// IsSet reports whether b is known and not null.
func (b Bool) IsSet() bool { return !b.Null && !b.Unknown }

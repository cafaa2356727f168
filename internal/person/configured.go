package person

import (
	"encoding/json"

	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// Configured records which settings a configuration set at the last apply
// (bit i is Names[i]), so that a later plan tells a setting it never set
// (the identity provider's) from one it stopped setting (given back).
// docker_scim_user keeps one under ConfiguredKey, the roster one per person.
//
// It is written as a JSON number, the bits in the order of Names (part of
// the state format: a new setting takes the next bit). It also reads what
// docker_scim_user wrote before, a JSON array of setting names; anything
// else reads as nothing configured, as a missing record does.
type Configured uint8

// ConfiguredKey is the private-state key of docker_scim_user's record.
const ConfiguredKey = "configured_attributes"

// legacyDisplayNameKey is the record of the first builds of
// docker_scim_user, which gave back display_name alone: "true" when the
// configuration set it.
const legacyDisplayNameKey = "display_name_configured"

// ConfiguredIn says which settings p sets.
func ConfiguredIn(p *Person) Configured {
	var c Configured
	for i := range NumAttrs {
		if !p.Attrs[i].Null {
			c |= 1 << i
		}
	}
	return c
}

// Has says whether setting i was configured.
func (c Configured) Has(i int) bool { return c&(1<<i) != 0 }

// UnmarshalJSON reads the number Configured is written as, or the array of
// names docker_scim_user wrote before; anything else is nothing configured.
func (c *Configured) UnmarshalJSON(b []byte) error {
	*c = 0
	var bits uint8
	if json.Unmarshal(b, &bits) == nil {
		*c = Configured(bits)
		return nil
	}
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		names = nil // anything else reads as nothing configured
	}
	for _, n := range names {
		for i, name := range Names {
			if n == name {
				*c |= 1 << i
			}
		}
	}
	return nil
}

// ReadConfigured is the record docker_scim_user keeps in p, in any
// encoding it was written in.
func ReadConfigured(p tfproto.Private) Configured {
	var c Configured
	if b, ok := p[ConfiguredKey]; ok {
		_ = json.Unmarshal(b, &c)
		return c
	}
	if string(p[legacyDisplayNameKey]) == "true" {
		c |= 1 << DisplayName
	}
	return c
}

// WriteConfigured records c in p, in the one encoding.
func WriteConfigured(p tfproto.Private, c Configured) {
	delete(p, legacyDisplayNameKey)
	b, _ := json.Marshal(c)
	p[ConfiguredKey] = b
}

package scim

import (
	"bytes"
	"encoding/json"
	"strings"
)

// EqFilter returns the filter `attr eq "value"`, with value written as a
// JSON string (RFC 7644 §3.4.2.2), so quotes, backslashes and control
// characters in it cannot end the string early.
func EqFilter(attr, value string) string {
	return attr + " eq " + quote(value)
}

func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// Servers compare the decoded string; <, > and & need no escaping and
	// some simple parsers do not understand \u003c.
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

package scimengine

import (
	"fmt"
	"net/http"
)

// RFC 7644 §3.12 scimType values the engine returns.
const (
	ScimTypeInvalidFilter = "invalidFilter"
	ScimTypeInvalidSyntax = "invalidSyntax"
	ScimTypeInvalidValue  = "invalidValue"
	ScimTypeInvalidPath   = "invalidPath"
	ScimTypeNoTarget      = "noTarget"
	ScimTypeMutability    = "mutability"
	ScimTypeTooMany       = "tooMany"
)

// badRequest builds the 400 *Error every engine failure is: the engine only
// ever rejects what the client sent.
func badRequest(scimType, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, SCIMType: scimType, Detail: fmt.Sprintf(format, args...)}
}

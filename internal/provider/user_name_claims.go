package provider

import (
	"strings"
	"sync"
)

// userNameClaims catches, at plan time, two docker_scim_user resources that
// declare one person: Docker compares userNames ignoring case, so
// "dup@example.com" and "DUP@example.com" are the same SCIM user, and two
// resources for it would fight over it forever. Each plan of a
// docker_scim_user claims its user_name in the provider instance shared by
// every resource of the provider block (the CLI starts one per command and
// walk, so claims never outlive the plan that made them).
type userNameClaims struct {
	mu     sync.Mutex
	claims map[string]userNameClaim // by lower-cased user_name
}

type userNameClaim struct {
	claimant string
	spelling string
}

// claim records that claimant (the resource's SCIM id, or its user_name as
// written when it is being created) plans userName. It returns the
// spelling of an earlier, different claimant of the same person, or "".
func (c *userNameClaims) claim(userName, claimant string) (other string) {
	key := strings.ToLower(userName)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claims == nil {
		c.claims = map[string]userNameClaim{}
	}
	prev, taken := c.claims[key]
	if !taken {
		c.claims[key] = userNameClaim{claimant: claimant, spelling: userName}
		return ""
	}
	if prev.claimant == claimant {
		return ""
	}
	return prev.spelling
}

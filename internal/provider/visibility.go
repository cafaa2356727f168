package provider

import (
	"encoding/json"
	"time"

	"github.com/dockerscim/terraform-provider-docker/internal/scim"
	"github.com/dockerscim/terraform-provider-docker/internal/tfproto"
)

// A user's last write by this provider is kept in private state until a
// read shows it, so that the next command's reads wait out a replicated
// server's lag (scim.Client.WaitVisible) instead of taking a user created a
// moment ago for one deleted outside Terraform, or its values from before
// an update for drift. Settled, the key is dropped: a plan of thousands
// carries nothing more per user.

// writtenKey is the private-state key of the last write.
const writtenKey = "written"

// rememberWrite records the write answered with u.
func rememberWrite(p tfproto.Private, u *scim.User) {
	if b, err := json.Marshal(scim.WrittenNow(u)); err == nil {
		p[writtenKey] = b
	}
}

// lastWrite returns the recorded write, if any.
func lastWrite(p tfproto.Private) (scim.Written, bool) {
	var w scim.Written
	b := p[writtenKey]
	if len(b) == 0 || json.Unmarshal(b, &w) != nil {
		return w, false
	}
	return w, true
}

// settleWrite drops the recorded write once the read u shows it, or once
// it is too old to lag; it reports whether private changed.
func settleWrite(p tfproto.Private, u *scim.User) bool {
	if _, had := p[writtenKey]; !had {
		return false
	}
	if w, ok := lastWrite(p); ok && w.Lags(u, nil, time.Now()) {
		return false
	}
	delete(p, writtenKey)
	return true
}

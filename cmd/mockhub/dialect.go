package main

import (
	"flag"

	"github.com/dockerscim/terraform-provider-docker/internal/mockhub"
)

// dialectFlag registers -dialect on fs: which reading of Docker's contract
// the simulator speaks (see mockhub.Dialect). The startup line's "dialect"
// key and the console say which one runs.
func dialectFlag(fs *flag.FlagSet) *mockhub.Dialect {
	d := mockhub.DialectRFC
	fs.Func("dialect", `"rfc" (default: SCIM as RFC 7644 reads, what IdPs send) or "published" (Docker's published OpenAPI file to the letter: SCIM lists under "resources", PUT takes "enabled", no SCIM PATCH, DELETE or /Groups, roles Owner/Member)`,
		func(v string) error {
			p, err := mockhub.ParseDialect(v)
			d = p
			return err
		})
	return &d
}

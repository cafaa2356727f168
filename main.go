// Command terraform-provider-docker serves the dockerscim/docker provider to
// Terraform and OpenTofu.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/dockerscim/terraform-provider-docker/internal/provider"
)

// version is set by the release build's ldflags.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	provider.QuietLogsUnlessRequested()
	tuneGC()

	// tf6server rather than providerserver.Serve, so that the framework's
	// server is wrapped by provider.NewServer (see there for why).
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve(provider.Address, func() tfprotov6.ProviderServer {
		return provider.NewServer(version)
	}, opts...)
	if err != nil {
		log.Fatal(err)
	}
}

package provider

import (
	"context"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// quietLogSettings are the levels QuietLogsUnlessRequested sets: the
// plugin SDK's loggers and this provider's own (named after the last part
// of Address).
var quietLogSettings = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_DOCKER"}

// QuietLogsUnlessRequested turns the provider's log output off when the
// CLI's environment asks for no provider logs. A plugin logs at trace level
// by default and leaves the filtering to the CLI, which discards every line
// unless TF_LOG or TF_LOG_PROVIDER is set; for thousands of resources that
// is hundreds of thousands of JSON lines encoded, piped and parsed for
// nothing. The CLI passes its environment to the plugin, so the plugin can
// tell. Call it from main before serving; it changes nothing when any
// TF_LOG setting other than TF_LOG_PATH and TF_LOG_CORE is present.
func QuietLogsUnlessRequested() {
	for k, v := range quietLogEnv(os.Environ()) {
		_ = os.Setenv(k, v)
	}
}

// quietLogEnv returns the variables to set for environ.
func quietLogEnv(environ []string) map[string]string {
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "TF_LOG") || v == "" {
			continue
		}
		switch k {
		case "TF_LOG_PATH", "TF_LOG_PATH_MASK", "TF_LOG_CORE":
			continue
		}
		return nil
	}
	out := make(map[string]string, len(quietLogSettings))
	for _, k := range quietLogSettings {
		out[k] = "OFF"
	}
	return out
}

// tflogLogger sends the clients' logs to Terraform's log, with every secret
// masked in messages and fields alike.
type tflogLogger struct {
	secrets []string
}

func (l tflogLogger) mask(ctx context.Context) context.Context {
	for _, s := range l.secrets {
		if s != "" {
			ctx = tflog.MaskMessageStrings(ctx, s)
			ctx = tflog.MaskAllFieldValuesStrings(ctx, s)
		}
	}
	return tflog.SetField(ctx, "@module", "docker.http")
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}

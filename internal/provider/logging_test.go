package provider

import (
	"maps"
	"testing"
)

func TestQuietLogEnv(t *testing.T) {
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_DOCKER": "OFF"}
	cases := []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{"no logging asked for", []string{"HOME=/root", "TF_CLI_CONFIG_FILE=x"}, off},
		{"only a log path", []string{"TF_LOG_PATH=/tmp/tf.log"}, off},
		{"only core logs", []string{"TF_LOG_CORE=TRACE"}, off},
		{"empty TF_LOG", []string{"TF_LOG="}, off},
		{"TF_LOG", []string{"TF_LOG=DEBUG"}, nil},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=TRACE"}, nil},
		{"this provider's level", []string{"TF_LOG_PROVIDER_DOCKER=INFO"}, nil},
		{"an SDK level", []string{"TF_LOG_SDK_FRAMEWORK=TRACE"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := quietLogEnv(tc.environ); !maps.Equal(got, tc.want) {
				t.Errorf("quietLogEnv(%q) = %v, want %v", tc.environ, got, tc.want)
			}
		})
	}
}

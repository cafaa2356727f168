package httpx

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// redactedText replaces a secret wherever it would appear.
const redactedText = "[REDACTED]"

// minSecretLen keeps very short values out of the list: scrubbing every
// "a" from every message would make errors unreadable and protect nothing.
const minSecretLen = 4

// Redactor scrubs known secret values from text. It is safe for concurrent
// use; the zero value redacts nothing until secrets are added.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string
	r       *strings.Replacer
}

// Add registers secrets, together with their URL- and JSON-escaped forms,
// since a secret may reach a message in any of them.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := make(map[string]bool, len(r.secrets))
	for _, s := range r.secrets {
		seen[s] = true
	}
	changed := false
	for _, s := range secrets {
		if len(s) < minSecretLen {
			continue
		}
		quoted, _ := json.Marshal(s)
		for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s), strings.Trim(string(quoted), `"`)} {
			if !seen[v] {
				seen[v] = true
				r.secrets = append(r.secrets, v)
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	// Longest first, so a secret that contains another is scrubbed whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, s := range r.secrets {
		pairs = append(pairs, s, redactedText)
	}
	r.r = strings.NewReplacer(pairs...)
}

// Redact returns s with every registered secret replaced by [REDACTED].
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	rep := r.r
	r.mu.RUnlock()
	if rep == nil || s == "" {
		return s
	}
	return rep.Replace(s)
}

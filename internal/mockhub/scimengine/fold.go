package scimengine

import (
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Fold is the form in which strings that are not caseExact are compared:
// Unicode case folding, then NFC, so that "Café" typed precomposed (NFC)
// and "cafe\u0301" (NFD, as macOS file names and some IdPs send it) are one
// value. Filters compare in it, and mockhub keys userName and e-mail
// indexes by it. ASCII takes a fast path.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return asciiLower(s)
	}
	// A Caser keeps state: one per call.
	return norm.NFC.String(cases.Fold().String(norm.NFC.String(s)))
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

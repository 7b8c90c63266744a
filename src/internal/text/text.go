// Package text holds string helpers for text that reaches clients and logs.
package text

import "unicode/utf8"

// Truncate returns at most n bytes of s without splitting a UTF-8 sequence.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Package delegation lets external applications act for a user: an admin
// registers an application (client id + secret, allowed actions, allowed users);
// the application trades its credentials plus a user's email for a short-lived
// delegated JWT (OAuth2 client credentials with the email as the requested
// scope). Impersonation is granted per application, never assumed.
package delegation

import (
	"strings"
	"time"
	"unicode/utf8"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/text"
)

// Limits on what an admin may store for one application.
const (
	maxAppName      = 100
	maxListEntries  = 1000
	maxDomainLength = 253
	minClientID     = 3
	maxClientID     = 64
)

// App is an external application as the API shows it (never its secret).
type App struct {
	ClientID       string       `json:"client_id"`
	Name           string       `json:"name"`
	Scopes         []auth.Scope `json:"scopes"`
	AllowedEmails  []string     `json:"allowed_emails"`
	AllowedDomains []string     `json:"allowed_domains"`
	Enabled        bool         `json:"enabled"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// ScopeSet is the app's allowed actions as a set.
func (a App) ScopeSet() auth.ScopeSet { return auth.NewScopeSet(a.Scopes...) }

// MayDelegate reports whether the app was granted the user with this
// (normalised) email: listed by address or by domain. No email, no delegation.
func (a App) MayDelegate(email string) bool {
	if email == "" {
		return false
	}
	for _, e := range a.AllowedEmails {
		if e == email {
			return true
		}
	}
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := email[at+1:]
	for _, d := range a.AllowedDomains {
		if d == domain {
			return true
		}
	}
	return false
}

// notDelegable are scopes an external application can never hold: account and
// system administration stay with people.
var notDelegable = map[auth.Scope]bool{
	auth.ScopeAll: true, auth.ScopeUsersManage: true, auth.ScopeSystemManage: true,
	auth.ScopeUsersImpersonate: true, auth.ScopeUsersInvite: true,
}

func normalizeName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" || len(n) > maxAppName || !utf8.ValidString(n) {
		return "", fail.Invalid("Application name must be 1 to %d characters", maxAppName)
	}
	for _, r := range n {
		if r < 0x20 || r == 0x7f {
			return "", fail.Invalid("Application name must not contain control characters")
		}
	}
	return n, nil
}

func normalizeScopes(in []auth.Scope) ([]auth.Scope, error) {
	if len(in) > 64 {
		return nil, fail.Invalid("Too many scopes")
	}
	set := auth.ScopeSet{}
	for _, s := range in {
		s = auth.Scope(strings.TrimSpace(string(s)))
		if notDelegable[s] {
			return nil, fail.Invalid("Scope %q cannot be delegated", text.Truncate(string(s), 40))
		}
		if !auth.ValidScope(s) {
			return nil, fail.Invalid("Unknown scope %q", text.Truncate(string(s), 40))
		}
		set[s] = struct{}{}
	}
	return set.List(), nil
}

func normalizeEmails(in []string) ([]string, error) {
	if len(in) > maxListEntries {
		return nil, fail.Invalid("At most %d allowed emails", maxListEntries)
	}
	seen := map[string]bool{}
	out := []string{}
	for _, raw := range in {
		e, err := auth.NormalizeEmail(raw)
		if err != nil {
			return nil, err
		}
		if e != "" && !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func normalizeDomains(in []string) ([]string, error) {
	if len(in) > maxListEntries {
		return nil, fail.Invalid("At most %d allowed domains", maxListEntries)
	}
	seen := map[string]bool{}
	out := []string{}
	for _, raw := range in {
		d := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(raw)), "@")
		if d == "" {
			continue
		}
		if !validDomain(d) {
			return nil, fail.Invalid("Domain %q is not valid", text.Truncate(d, 60))
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, nil
}

// validDomain accepts dotted DNS names (letters, digits, hyphens); no wildcards.
func validDomain(d string) bool {
	if len(d) > maxDomainLength || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// validClientID accepts admin-chosen ids: 3–64 of [A-Za-z0-9._-].
func validClientID(id string) bool {
	if len(id) < minClientID || len(id) > maxClientID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

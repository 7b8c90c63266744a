package delegation

import (
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"segue/internal/auth"
)

// Actor is the RFC 8693 `act` claim: who acts for the subject.
type Actor struct {
	Subject string `json:"sub"`
}

// Claims are the claims of a delegated JWT (RFC 9068 profile plus the
// original design's user_id / client_id / delegated).
type Claims struct {
	UserID    string `json:"user_id"`
	ClientID  string `json:"client_id"`
	Delegated bool   `json:"delegated"`
	// Scope is the space-separated list of allowed actions (OAuth convention).
	Scope string `json:"scope"`
	Act   *Actor `json:"act,omitempty"`
	jwt.RegisteredClaims
}

// joinScopes renders a scope set the OAuth way.
func joinScopes(set auth.ScopeSet) string {
	list := set.List()
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = string(s)
	}
	return strings.Join(parts, " ")
}

// typeOK checks the explicit JWT type (RFC 8725 §3.11): "at+jwt" or its media type form.
func typeOK(tok *jwt.Token) bool {
	typ, _ := tok.Header["typ"].(string)
	return strings.EqualFold(typ, TokenType) || strings.EqualFold(typ, "application/"+TokenType)
}

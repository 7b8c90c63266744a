package delegation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"segue/internal/auth"
	"segue/internal/fail"
)

// Why a delegated token was refused. The wire shows only the kind (invalid
// token, or account disabled); the message helps the app's developer.
var (
	ErrInvalidClaims  = fail.New(fail.KindInvalidToken, "Invalid token claims")
	ErrInvalidType    = fail.New(fail.KindInvalidToken, "Invalid token type")
	ErrAccountDisable = fail.New(fail.KindAuthFailed, "Account disabled")
	ErrAppRevoked     = fail.New(fail.KindInvalidToken, "Application revoked or disabled")
)

// Authenticate checks a delegated JWT: signature (HS256 only), typ, issuer,
// audience, expiry and iat; then the claims, the token row, the user and the
// app. It satisfies api.TokenAuthenticator, so the same chain serves /ws `auth`,
// POST /api and HTTP routes.
func (s *Service) Authenticate(ctx context.Context, raw string) (*auth.Principal, error) {
	if auth.ClassifyToken(raw) != auth.ShapeJWT {
		return nil, auth.ErrInvalidToken
	}
	var claims Claims
	tok, err := s.parser.ParseWithClaims(raw, &claims, s.d.Signer.KeyFunc)
	if err != nil || tok == nil || !tok.Valid {
		return nil, auth.ErrInvalidToken // any parser error is a rejection (CVE-2024-51744)
	}
	if !typeOK(tok) {
		return nil, ErrInvalidType
	}
	if claims.UserID == "" || claims.ClientID == "" || claims.ID == "" {
		return nil, ErrInvalidClaims
	}
	if !claims.Delegated {
		return nil, ErrInvalidType
	}
	if claims.Act == nil || claims.Act.Subject != claims.ClientID || (claims.Subject != "" && claims.Subject != claims.UserID) {
		return nil, ErrInvalidClaims
	}
	rec, err := s.tokenRow(ctx, claims.ID)
	if err != nil {
		return nil, err
	}
	if rec.userID != claims.UserID || rec.clientID != claims.ClientID || s.d.Clock.Now().After(rec.expires) {
		return nil, auth.ErrInvalidToken
	}
	u, err := s.d.Users.Get(ctx, rec.userID)
	if fail.Is(err, fail.KindNotFound) {
		return nil, auth.ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, ErrAccountDisable
	}
	app, err := s.Get(ctx, rec.clientID)
	if fail.Is(err, fail.KindNotFound) {
		return nil, ErrAppRevoked
	}
	if err != nil {
		return nil, err
	}
	if !app.Enabled || !app.MayDelegate(emailOf(u)) {
		return nil, ErrAppRevoked
	}
	// The token's actions, narrowed again to what the app and the role allow now.
	scopes := rec.scopes.Intersect(app.ScopeSet()).Intersect(auth.RoleScopes(u.Role))
	return &auth.Principal{User: u, Scopes: scopes, Method: auth.MethodDelegated, TokenID: rec.id, AppID: rec.clientID}, nil
}

func emailOf(u auth.User) string {
	if u.Email == nil {
		return ""
	}
	return *u.Email
}

// tokenRow finds a token row in the cache or the database; a database failure
// is Unavailable (fail closed), a missing row is an invalid token.
func (s *Service) tokenRow(ctx context.Context, id string) (tokenRecord, error) {
	s.mu.Lock()
	rec, ok := s.tokens[id]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return rec, nil
	}
	var scopes string
	var expires int64
	rec = tokenRecord{id: id}
	err := s.d.DB.R.QueryRowContext(ctx, "SELECT client_id, user_id, scopes, expires_at FROM delegated_tokens WHERE token_id = ?", id).
		Scan(&rec.clientID, &rec.userID, &scopes, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return tokenRecord{}, auth.ErrInvalidToken
	}
	if err != nil {
		return tokenRecord{}, fail.Unavailable(err)
	}
	var list []auth.Scope
	_ = json.Unmarshal([]byte(scopes), &list)
	rec.scopes = auth.ScopeSet{}
	for _, sc := range list {
		if auth.ValidScope(sc) && !notDelegable[sc] {
			rec.scopes[sc] = struct{}{}
		}
	}
	rec.expires = time.UnixMilli(expires)
	s.cacheToken(rec, gen)
	return rec, nil
}

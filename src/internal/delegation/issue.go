package delegation

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/text"
)

// TokenRequest is a parsed client-credentials request.
type TokenRequest struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	// Scope carries the email of the user to act for (the original design's convention).
	Scope string
	// IP is the TCP peer, for throttling and the audit log.
	IP string
}

// TokenResponse is the RFC 6749 §5.1 success body.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// OAuthError is an RFC 6749 §5.2 error with its HTTP status.
type OAuthError struct {
	Status      int           `json:"-"`
	Code        string        `json:"error"`
	Description string        `json:"error_description"`
	RetryAfter  time.Duration `json:"-"`
}

func (e *OAuthError) Error() string { return e.Code }

// The answers are deliberately few and vague: a wrong secret, an unknown client
// and a disabled client look the same; so do an unknown email, an email the
// client may not act for, and a disabled user.
var (
	errInvalidClient = &OAuthError{Status: 401, Code: "invalid_client", Description: "Client authentication failed"}
	errInvalidGrant  = &OAuthError{Status: 403, Code: "invalid_grant", Description: "This client may not act for the requested user"}
	errInvalidScope  = &OAuthError{Status: 400, Code: "invalid_scope", Description: "scope must be the email address of the user to act for"}
	errGrantType     = &OAuthError{Status: 400, Code: "unsupported_grant_type", Description: "Only client_credentials is supported"}
	errUnavailable   = &OAuthError{Status: 503, Code: "temporarily_unavailable", Description: "Service temporarily unavailable"}
)

func errInvalidRequest(desc string) *OAuthError {
	return &OAuthError{Status: 400, Code: "invalid_request", Description: desc}
}

func errThrottled(wait time.Duration) *OAuthError {
	return &OAuthError{Status: 429, Code: "slow_down", Description: "Too many failed attempts; try again later", RetryAfter: wait}
}

// IssueToken runs the client-credentials grant: authenticate the app, check it
// may act for the user named by email, and mint a delegated JWT backed by a row.
func (s *Service) IssueToken(ctx context.Context, req TokenRequest) (TokenResponse, *OAuthError) {
	if req.GrantType != "client_credentials" {
		return TokenResponse{}, errGrantType
	}
	if req.ClientID == "" || req.ClientSecret == "" {
		return TokenResponse{}, errInvalidClient
	}
	att, wait := s.d.Throttle.Begin(auth.AppKeys(text.Truncate(req.ClientID, maxClientID), req.IP)...)
	if att == nil {
		return TokenResponse{}, errThrottled(wait)
	}
	resp, oerr, counted := s.issue(ctx, req)
	switch {
	case oerr == nil:
		att.Succeed()
	case counted:
		att.Fail()
	default:
		att.Abandon()
	}
	return resp, oerr
}

// issue checks the client and the grant; counted reports a refusal that is a
// wrong guess (client secret, user, scope) rather than trouble on our side.
func (s *Service) issue(ctx context.Context, req TokenRequest) (TokenResponse, *OAuthError, bool) {
	log := s.d.Log.WithFields(logrus.Fields{"client_id": text.Truncate(req.ClientID, maxClientID), "ip": req.IP})
	app, oerr := s.authenticateClient(ctx, req.ClientID, req.ClientSecret)
	if oerr != nil {
		if oerr == errInvalidClient {
			log.Warn("delegated token refused: client authentication failed")
		}
		return TokenResponse{}, oerr, oerr == errInvalidClient
	}
	email, err := auth.NormalizeEmail(req.Scope)
	if err != nil || email == "" {
		return TokenResponse{}, errInvalidScope, true
	}
	user, scopes, oerr := s.delegable(ctx, app, email)
	if oerr != nil {
		if oerr == errInvalidGrant {
			log.Warn("delegated token refused: user not granted to this client")
		}
		return TokenResponse{}, oerr, oerr == errInvalidGrant
	}
	resp, err := s.mint(ctx, app, hashSecret(req.ClientSecret), user, scopes)
	if errors.Is(err, errChangedMeanwhile) {
		return TokenResponse{}, errInvalidClient, true
	}
	if err != nil {
		log.WithError(err).Error("delegated token could not be issued")
		return TokenResponse{}, errUnavailable, false
	}
	log.WithField("user", user.ID).WithField("scope", resp.Scope).Info("delegated token issued")
	return resp, nil, false
}

// authenticateClient compares the secret in constant time; an unknown client
// costs the same hash-and-compare as a known one.
func (s *Service) authenticateClient(ctx context.Context, clientID, secret string) (App, *OAuthError) {
	stored, found, err := s.secretHash(ctx, clientID)
	if err != nil {
		return App{}, errUnavailable
	}
	if !found {
		stored = s.dummyHash
	}
	match := secrets.Equal(hashSecret(secret), stored)
	if !found || !match {
		return App{}, errInvalidClient
	}
	app, err := s.Get(ctx, clientID)
	if fail.Is(err, fail.KindNotFound) {
		return App{}, errInvalidClient
	}
	if err != nil {
		return App{}, errUnavailable
	}
	if !app.Enabled {
		return App{}, errInvalidClient
	}
	return app, nil
}

// delegable finds the user and the actions the token may carry: the app's
// allowed actions narrowed to what the user's role allows.
func (s *Service) delegable(ctx context.Context, app App, email string) (auth.User, auth.ScopeSet, *OAuthError) {
	u, err := s.d.Users.ByEmail(ctx, email)
	if err != nil && !fail.Is(err, fail.KindNotFound) {
		return auth.User{}, nil, errUnavailable
	}
	allowed := app.MayDelegate(email)
	if err != nil || !allowed || !u.Enabled || u.Username == auth.SystemUsername {
		return auth.User{}, nil, errInvalidGrant
	}
	scopes := app.ScopeSet().Intersect(auth.RoleScopes(u.Role))
	if len(scopes) == 0 {
		return auth.User{}, nil, errInvalidGrant
	}
	return u, scopes, nil
}

// errChangedMeanwhile: the app was rotated, disabled or deleted while this request ran.
var errChangedMeanwhile = errors.New("application changed during issue")

func (s *Service) mint(ctx context.Context, app App, secretHash string, u auth.User, scopes auth.ScopeSet) (TokenResponse, error) {
	now := s.d.Clock.Now().Truncate(time.Second)
	exp := now.Add(TokenLifetime)
	id := s.d.Random.ID()
	scope := joinScopes(scopes)
	claims := Claims{UserID: u.ID, ClientID: app.ClientID, Delegated: true, Scope: scope, Act: &Actor{Subject: app.ClientID},
		RegisteredClaims: jwt.RegisteredClaims{Issuer: s.d.Signer.Issuer(), Subject: u.ID, Audience: jwt.ClaimStrings{Audience},
			ID: id, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp)}}
	gen := s.generation()
	signed, err := s.sign(claims)
	if err != nil {
		return TokenResponse{}, err
	}
	err = s.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		// Writes are serialised, so this re-check and the insert are atomic with
		// respect to rotate/disable/delete: no token outlives the secret it was issued for.
		var stored string
		var enabled int
		err := tx.QueryRowContext(ctx, "SELECT secret_hash, enabled FROM delegated_apps WHERE client_id = ?", app.ClientID).Scan(&stored, &enabled)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (enabled != 1 || !secrets.Equal(stored, secretHash))) {
			return errChangedMeanwhile
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO delegated_tokens(token_id, client_id, user_id, scopes, created_at, expires_at)
			VALUES(?, ?, ?, ?, ?, ?)`, id, app.ClientID, u.ID, jsonText(scopes.List()), now.UnixMilli(), exp.UnixMilli())
		return err
	})
	if errors.Is(err, errChangedMeanwhile) {
		return TokenResponse{}, err
	}
	if err != nil {
		return TokenResponse{}, fail.Unavailable(err)
	}
	s.cacheToken(tokenRecord{id: id, clientID: app.ClientID, userID: u.ID, scopes: scopes, expires: exp}, gen)
	return TokenResponse{AccessToken: signed, TokenType: "Bearer", ExpiresIn: int(TokenLifetime / time.Second), Scope: scope}, nil
}

// sign uses the server's HS256 key (through the same key function that pins the
// algorithm and refuses short keys) and sets this kind's own typ header, which
// auth.Tokens.Sign cannot do.
func (s *Service) sign(claims Claims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["typ"] = TokenType
	key, err := s.d.Signer.KeyFunc(tok)
	if err != nil {
		return "", err
	}
	return tok.SignedString(key)
}

package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/secrets"
	"segue/internal/store"
)

// Token lifetimes.
const (
	SlidingWindow        = 30 * 24 * time.Hour
	AbsoluteCap          = 90 * 24 * time.Hour
	DefaultLongLivedTTL  = 365 * 24 * time.Hour
	activityPersistEvery = 5 * time.Minute
	clockLeeway          = 30 * time.Second
	SessionAudience      = "segue-session"
)

// ErrInvalidToken is the one answer for every unusable token.
var ErrInvalidToken = fail.New(fail.KindInvalidToken, "Invalid or expired token")

// SessionClaims are the claims of a session JWT (MA's claim set plus iss/aud).
type SessionClaims struct {
	Username    string `json:"username"`
	Role        Role   `json:"role"`
	TokenName   string `json:"token_name"`
	IsLongLived bool   `json:"is_long_lived"`
	jwt.RegisteredClaims
}

// TokenInfo is a token row as the API lists it (MA's AuthToken shape).
type TokenInfo struct {
	ID          string     `json:"token_id"`
	UserID      string     `json:"user_id"`
	Hash        string     `json:"token_hash"`
	Name        string     `json:"name"`
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	LastUsedAt  *time.Time `json:"last_used_at"`
	IsLongLived bool       `json:"is_long_lived"`
}

// cachedToken is the in-memory state of an active token row.
type cachedToken struct {
	// shape is the path that verified the row: a JWT row is found by hash only
	// after its signature was checked once, so a JWT-shaped string never takes
	// the legacy path and a legacy string never passes as a JWT.
	shape             TokenShape
	id, userID, hash  string
	created, expires  time.Time
	longLived         bool
	lastUsed          time.Time
	persistedLastUsed time.Time
	dirty             bool
}

// Tokens issues and validates session tokens. The token table is the source of
// truth; active rows are cached so validation needs no database round trip.
type Tokens struct {
	db           *store.DB
	users        *Users
	clock        clock.Clock
	rand         *secrets.Random
	kills        *Notifier
	key          []byte
	issuer       string
	longLivedTTL time.Duration
	parser       *jwt.Parser

	mu     sync.Mutex
	byID   map[string]*cachedToken
	byHash map[string]*cachedToken
}

// NewTokens builds the token service; key must hold at least 32 bytes.
func NewTokens(db *store.DB, users *Users, clk clock.Clock, rnd *secrets.Random, kills *Notifier,
	key []byte, serverID string, longLivedTTL time.Duration) (*Tokens, error) {
	if len(key) < secrets.MinKeyBytes {
		return nil, fmt.Errorf("token signing key must be at least %d bytes", secrets.MinKeyBytes)
	}
	if longLivedTTL <= 0 {
		longLivedTTL = DefaultLongLivedTTL
	}
	issuer := "segue:" + serverID
	t := &Tokens{db: db, users: users, clock: clk, rand: rnd, kills: kills, key: key, issuer: issuer,
		longLivedTTL: longLivedTTL, byID: map[string]*cachedToken{}, byHash: map[string]*cachedToken{}}
	kills.Subscribe(func(k Kill) {
		if k.UserID != "" {
			t.forgetUser(k.UserID, k.ExceptTokenID)
		}
	})
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(SessionAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(clockLeeway),
		jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(clk.Now),
	)
	return t, nil
}

// Issuer is the iss claim of this server's tokens.
func (t *Tokens) Issuer() string { return t.issuer }

// KeyFunc is the jwt key function for every HS256 token kind of this server:
// it pins the algorithm and never yields a short key.
func (t *Tokens) KeyFunc(tok *jwt.Token) (any, error) {
	if _, ok := tok.Method.(*jwt.SigningMethodHMAC); !ok || tok.Method.Alg() != "HS256" {
		return nil, errors.New("unexpected signing method")
	}
	if len(t.key) < secrets.MinKeyBytes {
		return nil, errors.New("signing key unavailable")
	}
	return t.key, nil
}

// Sign signs claims with the server key (HS256); other token kinds (delegated) use it.
func (t *Tokens) Sign(claims jwt.Claims) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.key)
}

// Issue creates a token row and returns the signed JWT.
func (t *Tokens) Issue(ctx context.Context, u User, name string, longLived bool) (string, TokenInfo, error) {
	if len(name) > 200 {
		name = name[:200]
	}
	now := t.clock.Now().Truncate(time.Second)
	id := t.rand.ID()
	var exp, rowExp time.Time
	if longLived {
		exp = now.Add(t.longLivedTTL)
		rowExp = exp
	} else {
		exp = now.Add(AbsoluteCap)
		rowExp = now.Add(SlidingWindow)
	}
	claims := SessionClaims{
		Username: u.Username, Role: u.Role, TokenName: name, IsLongLived: longLived,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: t.issuer, Subject: u.ID, Audience: jwt.ClaimStrings{SessionAudience}, ID: id,
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	signed, err := tok.SignedString(t.key)
	if err != nil {
		return "", TokenInfo{}, fail.Internal(err)
	}
	info := TokenInfo{ID: id, UserID: u.ID, Hash: secrets.SHA256Hex(signed), Name: name, CreatedAt: now,
		ExpiresAt: rowExp, IsLongLived: longLived}
	if err := t.insert(ctx, info); err != nil {
		return "", TokenInfo{}, err
	}
	return signed, info, nil
}

func (t *Tokens) insert(ctx context.Context, info TokenInfo) error {
	_, err := t.db.W.ExecContext(ctx, `INSERT INTO auth_tokens(token_id, user_id, token_hash, name, created_at, expires_at, is_long_lived)
		VALUES(?, ?, ?, ?, ?, ?, ?)`, info.ID, info.UserID, info.Hash, info.Name, info.CreatedAt.UnixMilli(),
		info.ExpiresAt.UnixMilli(), boolInt(info.IsLongLived))
	if err != nil {
		return fail.Unavailable(err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Authenticate validates a session token (JWT or legacy) and returns its principal
// with Channel unset. Every failure is ErrInvalidToken, or Unavailable when the
// database cannot answer (fail closed).
func (t *Tokens) Authenticate(ctx context.Context, raw string) (*Principal, error) {
	shape := ClassifyToken(raw)
	if shape == ShapeInvalid {
		return nil, ErrInvalidToken
	}
	// A token seen before is recognised by its SHA-256 (the row's token_hash):
	// the same string that was verified once, so the signature need not be
	// checked again; expiry, the row and the user are checked every time.
	hash := secrets.SHA256Hex(raw)
	t.mu.Lock()
	entry := t.byHash[hash]
	t.mu.Unlock()
	var err error
	if entry == nil || entry.shape != shape {
		if shape == ShapeJWT {
			entry, err = t.checkJWT(ctx, raw, hash)
		} else {
			entry, err = t.lookup(ctx, "", hash, ShapeLegacy)
		}
		if err != nil {
			return nil, err
		}
	}
	u, err := t.users.Get(ctx, entry.userID)
	if fail.Is(err, fail.KindNotFound) {
		t.forget(entry)
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, ErrInvalidToken
	}
	if err := t.touch(ctx, entry); err != nil {
		return nil, err
	}
	return &Principal{User: u, Scopes: RoleScopes(u.Role), Method: MethodToken, TokenID: entry.id}, nil
}

func (t *Tokens) checkJWT(ctx context.Context, raw, hash string) (*cachedToken, error) {
	var claims SessionClaims
	tok, err := t.parser.ParseWithClaims(raw, &claims, t.KeyFunc)
	if err != nil {
		return nil, ErrInvalidToken
	}
	// Each token kind has its own type: a delegated (at+jwt) token is never a session token.
	if typ, ok := tok.Header["typ"]; ok && typ != "JWT" {
		return nil, ErrInvalidToken
	}
	if claims.ID == "" || claims.Subject == "" {
		return nil, ErrInvalidToken
	}
	entry, err := t.lookup(ctx, claims.ID, "", ShapeJWT)
	if err != nil {
		return nil, err
	}
	if entry.userID != claims.Subject || entry.hash != hash {
		return nil, ErrInvalidToken
	}
	return entry, nil
}

// lookup finds an active row by id or hash, from the cache or the database.
func (t *Tokens) lookup(ctx context.Context, id, hash string, shape TokenShape) (*cachedToken, error) {
	t.mu.Lock()
	var e *cachedToken
	if id != "" {
		e = t.byID[id]
	} else {
		e = t.byHash[hash]
	}
	t.mu.Unlock()
	if e != nil && e.shape == shape {
		return e, nil
	}
	q := "SELECT token_id, user_id, token_hash, created_at, expires_at, last_used_at, is_long_lived FROM auth_tokens WHERE "
	arg := id
	if id != "" {
		q += "token_id = ?"
	} else {
		q += "token_hash = ?"
		arg = hash
	}
	var created, expires int64
	var lastUsed sql.NullInt64
	var longLived int
	e = &cachedToken{shape: shape}
	err := t.db.R.QueryRowContext(ctx, q, arg).Scan(&e.id, &e.userID, &e.hash, &created, &expires, &lastUsed, &longLived)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fail.Unavailable(err)
	}
	e.created, e.expires, e.longLived = time.UnixMilli(created), time.UnixMilli(expires), longLived == 1
	if lastUsed.Valid {
		e.lastUsed = time.UnixMilli(lastUsed.Int64)
		e.persistedLastUsed = e.lastUsed
	}
	t.mu.Lock()
	if cur := t.byID[e.id]; cur != nil && cur.shape == shape {
		e = cur
	} else {
		t.byID[e.id], t.byHash[e.hash] = e, e
	}
	t.mu.Unlock()
	return e, nil
}

// touch enforces expiry and slides short-lived tokens; the write happens later.
func (t *Tokens) touch(ctx context.Context, e *cachedToken) error {
	now := t.clock.Now()
	t.mu.Lock()
	expired := now.After(e.expires) || (!e.longLived && now.After(e.created.Add(AbsoluteCap)))
	if !expired {
		e.lastUsed = now
		if !e.longLived {
			next := now.Add(SlidingWindow)
			if limit := e.created.Add(AbsoluteCap); next.After(limit) {
				next = limit
			}
			if next.After(e.expires) {
				e.expires = next
			}
		}
		e.dirty = true
	}
	// persist writes persistedLastUsed under the lock, so read it under the lock too.
	due := now.Sub(e.persistedLastUsed) >= activityPersistEvery
	t.mu.Unlock()
	if expired {
		_ = t.delete(ctx, e.id)
		return ErrInvalidToken
	}
	if due {
		_ = t.persist(ctx, e) // a failed activity write must not fail the request
	}
	return nil
}

func (t *Tokens) persist(ctx context.Context, e *cachedToken) error {
	t.mu.Lock()
	if !e.dirty {
		t.mu.Unlock()
		return nil
	}
	lastUsed, expires, id := e.lastUsed, e.expires, e.id
	e.dirty = false
	e.persistedLastUsed = lastUsed
	t.mu.Unlock()
	// MAX keeps expiry monotonic; a revoked (deleted) row is never revived.
	_, err := t.db.W.ExecContext(ctx, `UPDATE auth_tokens SET last_used_at = ?, expires_at = MAX(expires_at, ?)
		WHERE token_id = ?`, lastUsed.UnixMilli(), expires.UnixMilli(), id)
	if err != nil {
		t.mu.Lock()
		e.dirty = true
		t.mu.Unlock()
	}
	return err
}

// Flush persists pending activity of every cached token (at shutdown and periodically).
func (t *Tokens) Flush(ctx context.Context) error {
	t.mu.Lock()
	var dirty []*cachedToken
	for _, e := range t.byID {
		if e.dirty {
			dirty = append(dirty, e)
		}
	}
	t.mu.Unlock()
	var errs []error
	for _, e := range dirty {
		errs = append(errs, t.persist(ctx, e))
	}
	return errors.Join(errs...)
}

// FlushInterval is how often RunFlusher saves token activity.
const FlushInterval = time.Minute

// RunFlusher persists activity every FlushInterval until ctx ends. It does not
// flush at the end: the owner calls Flush once more after background work stops.
func (t *Tokens) RunFlusher(ctx context.Context) error {
	clock.Every(ctx, t.clock, FlushInterval, func(ctx context.Context) { _ = t.Flush(ctx) })
	return nil
}

// IsLongLived reports whether a token row is long-lived (read from the
// database, not from claims).
func (t *Tokens) IsLongLived(ctx context.Context, tokenID string) (bool, error) {
	info, err := t.Get(ctx, tokenID)
	return info.IsLongLived, err
}

func (t *Tokens) forget(e *cachedToken) {
	t.mu.Lock()
	delete(t.byID, e.id)
	delete(t.byHash, e.hash)
	t.mu.Unlock()
}

func (t *Tokens) delete(ctx context.Context, id string) error {
	_, err := t.remove(ctx, id)
	return err
}

// remove deletes a token row durably and drops it from the cache (even when the
// write fails: a token being deleted is never served again); n is rows deleted.
func (t *Tokens) remove(ctx context.Context, id string) (int64, error) {
	res, err := t.db.W.ExecContext(ctx, "DELETE FROM auth_tokens WHERE token_id = ?", id)
	t.mu.Lock()
	if e := t.byID[id]; e != nil {
		delete(t.byHash, e.hash)
		delete(t.byID, id)
	}
	t.mu.Unlock()
	if err != nil {
		return 0, fail.Unavailable(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

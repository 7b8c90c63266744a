package delegation

import (
	"context"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/sirupsen/logrus"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/feature"
	"segue/internal/httpx"
	"segue/internal/secrets"
	"segue/internal/store"
)

// Token shape of this kind: its own typ header and audience, so it can never
// pass as a session token and a session token can never pass as one of these.
const (
	TokenType     = "at+jwt"
	Audience      = "segue-delegated"
	TokenLifetime = time.Hour
	clockLeeway   = 30 * time.Second
	// maxCachedTokens bounds the in-memory token cache; rows live at most an hour.
	maxCachedTokens = 20000
)

// Signer is the part of auth.Tokens this package uses: the server's HS256 key
// (behind the key function that pins the algorithm) and the issuer.
type Signer interface {
	KeyFunc(tok *jwt.Token) (any, error)
	Issuer() string
}

// Deps are what the service needs.
type Deps struct {
	DB       *store.DB
	Users    *auth.Users
	Signer   Signer
	Clock    clock.Clock
	Random   *secrets.Random
	Throttle *auth.Throttle
	Log      *logrus.Logger
	// EndSessions closes live connections that use these token ids (app deleted,
	// disabled, narrowed or its secret rotated). May be nil.
	EndSessions func(tokenIDs []string)
}

// Service owns applications, the token endpoint and the delegated-token authenticator.
type Service struct {
	d      Deps
	parser *jwt.Parser
	// dummyHash is compared against when the client id is unknown, so unknown
	// and wrong-secret take the same work.
	dummyHash string

	mu     sync.Mutex
	apps   map[string]App         // client_id → app (cache; nil entry never stored)
	tokens map[string]tokenRecord // jti → row (cache)
	// gen counts invalidations: a value read from the database is cached only if
	// no invalidation happened while it was being read (no stale resurrection).
	gen uint64
}

// tokenRecord is the in-memory copy of a delegated_tokens row.
type tokenRecord struct {
	id, clientID, userID string
	scopes               auth.ScopeSet
	expires              time.Time
}

// New builds the service.
func New(d Deps) *Service {
	s := &Service{d: d, apps: map[string]App{}, tokens: map[string]tokenRecord{},
		dummyHash: secrets.SHA256Hex(d.Random.Token(32))}
	s.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(d.Signer.Issuer()),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(clockLeeway),
		jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(d.Clock.Now),
	)
	return s
}

// Module is what external applications add: the apps/* admin commands, the
// client-credentials token endpoint, the delegated-token authenticator, the
// kill reaction (a disabled or deleted user's cached tokens are dropped) and
// an hourly prune of expired token rows.
func (s *Service) Module() feature.Module {
	return feature.Module{Name: "delegation", Commands: s.commands(),
		Routes:         []feature.Route{{Pattern: "POST " + TokenPath, Handler: s.TokenHandler()}},
		Authenticators: []httpx.TokenAuthenticator{s},
		OnKill: func(k auth.Kill) {
			if k.UserID != "" {
				s.forgetUser(k.UserID)
			}
		},
		Background: []func(context.Context) error{s.pruneLoop},
	}
}

// pruneEvery is how often pruneLoop removes expired rows.
const pruneEvery = time.Hour

// pruneLoop keeps the token table small; expired rows are refused on use anyway.
func (s *Service) pruneLoop(ctx context.Context) error {
	clock.Every(ctx, s.d.Clock, pruneEvery, func(ctx context.Context) {
		if err := s.PruneExpired(ctx); err != nil && ctx.Err() == nil {
			s.d.Log.WithError(err).Warn("could not prune expired delegated tokens")
		}
	})
	return nil
}

func (s *Service) forgetUser(userID string) {
	s.mu.Lock()
	s.gen++
	for id, r := range s.tokens {
		if r.userID == userID {
			delete(s.tokens, id)
		}
	}
	s.mu.Unlock()
}

// forgetApp drops the cached app and its cached tokens; the caller ends their sessions.
func (s *Service) forgetApp(clientID string) {
	s.mu.Lock()
	s.gen++
	delete(s.apps, clientID)
	for id, r := range s.tokens {
		if r.clientID == clientID {
			delete(s.tokens, id)
		}
	}
	s.mu.Unlock()
}

func (s *Service) cacheToken(r tokenRecord, gen uint64) {
	now := s.d.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		return
	}
	if len(s.tokens) >= maxCachedTokens {
		for id, old := range s.tokens {
			if now.After(old.expires) || len(s.tokens) >= maxCachedTokens {
				delete(s.tokens, id)
			}
		}
	}
	s.tokens[r.id] = r
}

// generation returns the current invalidation count.
func (s *Service) generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

func (s *Service) endSessions(ids []string) {
	if len(ids) > 0 && s.d.EndSessions != nil {
		s.d.EndSessions(ids)
	}
}

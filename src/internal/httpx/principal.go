package httpx

import (
	"context"
	"errors"
	"net/http"

	"segue/internal/auth"
	"segue/internal/fail"
)

// TokenAuthenticator turns a bearer token into a Principal.
type TokenAuthenticator interface {
	Authenticate(ctx context.Context, token string) (*auth.Principal, error)
}

// Chain tries each token authenticator in turn (session tokens, then other
// kinds such as delegated tokens). A database failure stops the chain: fail closed.
// Add is for app.New only: the chain is complete before the first request.
type Chain struct{ list []TokenAuthenticator }

// Add appends authenticators.
func (c *Chain) Add(a ...TokenAuthenticator) { c.list = append(c.list, a...) }

// Authenticate asks each authenticator; the most specific refusal wins.
func (c *Chain) Authenticate(ctx context.Context, token string) (*auth.Principal, error) {
	err := error(auth.ErrInvalidToken)
	for _, a := range c.list {
		p, e := a.Authenticate(ctx, token)
		if e == nil {
			return p, nil
		}
		if fail.Is(e, fail.KindUnavailable) {
			return nil, e
		}
		var fe *fail.Error
		if errors.As(e, &fe) && fe.Kind != fail.KindInvalidToken {
			err = e // a more specific answer (e.g. account disabled) wins
		}
	}
	return nil, err
}

// WithPrincipal stores the principal ingress authentication found.
func WithPrincipal(ctx context.Context, p *auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFromContext returns the principal put there by ingress authentication.
func PrincipalFromContext(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey).(*auth.Principal)
	return p
}

// Resolver authenticates HTTP requests: the one place a request becomes a Principal.
type Resolver struct{ Tokens TokenAuthenticator }

// Principal returns the ingress principal, else the bearer token's. It returns
// (nil, nil) when the request carries no credentials. The system user's token is
// honoured only on the ingress listener.
func (res *Resolver) Principal(r *http.Request) (*auth.Principal, error) {
	if p := PrincipalFromContext(r.Context()); p != nil {
		return p, nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	tok, ok := auth.BearerToken(h)
	if !ok {
		return nil, auth.ErrInvalidToken
	}
	p, err := res.Tokens.Authenticate(r.Context(), tok)
	if err != nil {
		return nil, err
	}
	ingress := ListenerOf(r) == Ingress
	if p.User.Username == auth.SystemUsername && !ingress {
		return nil, auth.ErrInvalidToken
	}
	pc := *p
	pc.Channel = auth.ChannelDirect
	if ingress {
		pc.Channel = auth.ChannelIngress
	}
	return &pc, nil
}

package haauth

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/fail"
	"segue/internal/hass"
	"segue/internal/httpx"
	"segue/internal/secrets"
)

// ProviderID is the login provider's id in auth/providers and on the wire.
const ProviderID = "homeassistant"

// Paths this package serves.
const (
	AuthorizePath = "/auth/authorize"
	CallbackPath  = "/auth/callback"
	CodePath      = "/auth/code"
)

// Lifetimes and bounds.
const (
	// StateLifetime is how long a started sign-in may take (HA's own codes live 10 minutes).
	StateLifetime = 10 * time.Minute
	// CodeLifetime is how long the one-time code in the return URL may wait for its exchange.
	CodeLifetime = 60 * time.Second
	// maxPending bounds unfinished sign-ins and unexchanged codes held in memory.
	maxPending = 4096
	// maxPendingPerIP keeps one address from using up maxPending for everyone.
	maxPendingPerIP = 16
	// secretBytes is the size of states, browser bindings and codes: 256 bits.
	secretBytes = 32
)

// Deps are what the sign-in needs.
type Deps struct {
	Users    *auth.Users
	Tokens   *auth.Tokens
	Throttle *auth.Throttle
	Clock    clock.Clock
	Random   *secrets.Random
	Log      logrus.FieldLogger
	// Roles gives an HA user's role (config/auth/list); nil makes new users plain users.
	Roles auth.RoleSource
	// Directory returns an HA user's config/auth/list entry for the username; optional.
	Directory func(ctx context.Context, haUserID string) (hass.User, error)
	// CoreURL is HA Core as this server reaches it (add-on: http://homeassistant:8123):
	// the token and revoke endpoints and the websocket for auth/current_user.
	CoreURL string
	// BrowserURL is HA as the user's browser reaches it (network/url: external, cloud, internal).
	BrowserURL func(ctx context.Context) (string, error)
	// Available reports whether HA is reachable now; the provider is listed only then.
	Available func() bool
	// AllowSelfRegistration lets HA users without a Segue account get one.
	AllowSelfRegistration bool
	ReturnURLs            httpx.ReturnURLPolicy
	// HTTPClient and Dialer reach CoreURL; defaults ignore proxy settings from the environment.
	HTTPClient *http.Client
	Dialer     *websocket.Dialer
}

// Service runs Sign in with Home Assistant.
type Service struct {
	d      Deps
	ha     *haEndpoint
	states *httpx.OnceStore[pendingLogin]
	codes  *httpx.OnceStore[issuedCode]
}

// pendingLogin is a started sign-in, found again by its state.
type pendingLogin struct {
	returnURL   string
	clientID    string
	redirectURI string
	// binding is the SHA-256 of the browser cookie set when the sign-in started.
	binding string
	// ip started the sign-in (for the per-address limit).
	ip string
}

// issuedCode is what a one-time code stands for: a signed-in user, not yet a token.
type issuedCode struct {
	userID    string
	tokenName string
}

// New builds the service.
func New(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Log == nil {
		d.Log = logrus.StandardLogger()
	}
	if d.Available == nil {
		d.Available = func() bool { return true }
	}
	hc := d.HTTPClient
	if hc == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.Proxy = nil
		// HA's endpoints answer directly; following a redirect would send the code elsewhere.
		hc = &http.Client{Timeout: haCallTimeout, Transport: transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &Service{
		d:      d,
		ha:     &haEndpoint{base: d.CoreURL, http: hc, dialer: d.Dialer, log: d.Log},
		states: httpx.NewOnceStore[pendingLogin](d.Clock, StateLifetime, maxPending),
		codes:  httpx.NewOnceStore[issuedCode](d.Clock, CodeLifetime, maxPending),
	}
}

// Providers lists the provider while HA is reachable (for auth/providers).
func (s *Service) Providers(ctx context.Context) []api.ProviderInfo {
	if !s.d.Available() {
		return nil
	}
	return []api.ProviderInfo{{ProviderID: ProviderID, ProviderType: ProviderID, RequiresRedirect: true}}
}

// Refusal is a sign-in the server declined, with a message safe to show the user.
type Refusal struct {
	Status int
	Title  string
	Msg    string
	cause  error
}

func (r *Refusal) Error() string {
	if r.cause != nil {
		return r.Title + ": " + r.cause.Error()
	}
	return r.Title
}

func (r *Refusal) Unwrap() error { return r.cause }

func refuse(status int, title, msg string, cause error) *Refusal {
	return &Refusal{Status: status, Title: title, Msg: msg, cause: cause}
}

// resolveUser links the HA identity to a Segue user: by HA user id only (never by
// name), creating one only when self-registration is on.
func (s *Service) resolveUser(ctx context.Context, who hass.CurrentUser) (auth.User, error) {
	if !auth.ValidHAUserID(who.ID) {
		return auth.User{}, refuse(http.StatusBadGateway, "Sign-in failed", "Home Assistant answered with an unexpected user id.", nil)
	}
	role := auth.RoleUser
	if s.d.Roles != nil {
		r, err := s.d.Roles.RoleFor(ctx, who.ID)
		switch {
		case errors.Is(err, hass.ErrUserInactive):
			return auth.User{}, refuse(http.StatusForbidden, "Account not active", "Your Home Assistant account is not active.", err)
		case errors.Is(err, hass.ErrUnknownUser):
			return auth.User{}, refuse(http.StatusForbidden, "Sign-in refused", "Home Assistant does not list this account.", err)
		case err != nil:
			return auth.User{}, refuse(http.StatusServiceUnavailable, "Home Assistant unavailable", "Home Assistant could not confirm your account right now. Please try again.", err)
		}
		role = r
	}
	u, err := s.d.Users.FindLinked(ctx, auth.ProviderHomeAssistant, who.ID)
	switch {
	case err == nil:
	case !isNotFound(err):
		return auth.User{}, refuse(http.StatusServiceUnavailable, "Unavailable", "The server cannot read its database right now.", err)
	case !s.d.AllowSelfRegistration:
		return auth.User{}, refuse(http.StatusForbidden, "No account", "Self-registration is disabled. Ask an administrator to create an account for you.", nil)
	default:
		u, _, err = s.d.Users.FindOrCreateLinked(ctx, auth.ProviderHomeAssistant, who.ID, s.newUser(ctx, who, role))
		if err != nil {
			return auth.User{}, refuse(http.StatusServiceUnavailable, "Unavailable", "Your account could not be created right now.", err)
		}
	}
	if !u.Enabled {
		return auth.User{}, refuse(http.StatusForbidden, "Account disabled", "Your account on this server is disabled.", nil)
	}
	if s.d.Roles != nil && u.Role != role {
		// HA is the source of truth for HA users' roles, as on the ingress path.
		if u, err = s.d.Users.Update(ctx, u.ID, auth.Patch{Role: &role}); err != nil {
			return auth.User{}, refuse(http.StatusServiceUnavailable, "Unavailable", "Your account could not be updated right now.", err)
		}
	}
	return u, nil
}

// newUser names a new HA-linked account: HA's username when valid (a suffix is
// added if a local account holds it), else ha_<id prefix>.
func (s *Service) newUser(ctx context.Context, who hass.CurrentUser, role auth.Role) auth.NewUser {
	username := ""
	if s.d.Directory != nil {
		if entry, err := s.d.Directory(ctx, who.ID); err == nil {
			username = auth.NormalizeUsername(entry.Username)
		}
	}
	if username == "" || auth.ValidateUsername(username) != nil {
		username = "ha_" + who.ID[:8]
	}
	n := auth.NewUser{Username: username, Role: role}
	if who.Name != "" && auth.ValidateDisplayName(who.Name) == nil {
		name := who.Name
		n.DisplayName = &name
	}
	return n
}

func isNotFound(err error) bool { return fail.Is(err, fail.KindNotFound) }

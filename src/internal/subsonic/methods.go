package subsonic

import (
	"context"

	"segue/internal/auth"
	"segue/internal/fail"
)

func (h *Handler) ping(context.Context, *auth.Principal, *Params) (*Response, *Error) {
	return h.enc.ok, nil
}

func (h *Handler) getLicense(context.Context, *auth.Principal, *Params) (*Response, *Error) {
	r := h.enc.envelope()
	r.License = &License{Valid: true}
	return r, nil
}

func (h *Handler) getOpenSubsonicExtensions(context.Context, *auth.Principal, *Params) (*Response, *Error) {
	r := h.enc.envelope()
	r.Extensions = h.extensions
	return r, nil
}

// tokenInfo names the user of the API key (apiKeyAuthentication extension);
// with other mechanisms it still answers who the caller is.
func (h *Handler) tokenInfo(_ context.Context, p *auth.Principal, _ *Params) (*Response, *Error) {
	r := h.enc.envelope()
	r.TokenInfo = &TokenInfo{Username: p.User.Username}
	return r, nil
}

// getUser returns the caller, or (admins only) another user by name.
func (h *Handler) getUser(ctx context.Context, p *auth.Principal, params *Params) (*Response, *Error) {
	name := params.Values.Get("username")
	if name == "" {
		return nil, errMissing("username")
	}
	u := p.User
	if auth.NormalizeUsername(name) != u.Username {
		if !p.IsAdmin() {
			return nil, errNotAuthorized
		}
		other, err := h.d.Users.Lookup(ctx, auth.NormalizeUsername(name))
		if err != nil || other.Username == auth.SystemUsername {
			if err == nil || fail.Is(err, fail.KindNotFound) {
				return nil, errNotFound
			}
			return nil, fromDomain(err)
		}
		u = other
	}
	r := h.enc.envelope()
	r.User = subsonicUser(u, auth.RoleScopes(u.Role))
	if h.d.Library != nil {
		for _, f := range h.d.Library.Folders(h.d.Library.Viewer(u.ID, u.ProviderFilter)) {
			r.User.Folder = append(r.User.Folder, int(f.ID))
		}
	}
	return r, nil
}

// subsonicUser maps scopes to Subsonic roles; features Segue does not offer
// (uploads, shares, video, podcasts, jukebox, comments, changing cover art)
// are off, so clients do not show buttons that would fail.
func subsonicUser(u auth.User, s auth.ScopeSet) *User {
	out := &User{
		Username:          u.Username,
		ScrobblingEnabled: s.Has(auth.ScopeLibraryWrite),
		AdminRole:         s.Has(auth.ScopeUsersManage),
		SettingsRole:      true,
		DownloadRole:      s.Has(auth.ScopeLibraryRead),
		StreamRole:        s.Has(auth.ScopeLibraryRead),
		PlaylistRole:      s.Has(auth.ScopeLibraryWrite),
		Folder:            []int{},
	}
	if u.Email != nil {
		out.Email = *u.Email
	}
	return out
}

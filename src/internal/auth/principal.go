// Package auth turns every way in (ingress headers, bearer tokens, passwords,
// Subsonic credentials, delegated tokens) into one Principal.
package auth

// Channel is how a request reached the server.
type Channel string

const (
	ChannelIngress Channel = "ingress"
	ChannelDirect  Channel = "direct"
	ChannelWebRTC  Channel = "webrtc"
)

// Method is how the principal proved who it is.
type Method string

const (
	MethodIngress   Method = "ingress"
	MethodToken     Method = "token"
	MethodPassword  Method = "password"
	MethodSubsonic  Method = "subsonic"
	MethodDelegated Method = "delegated"
)

// Principal is the one result of every authentication path.
type Principal struct {
	User    User
	Scopes  ScopeSet
	Channel Channel
	Method  Method
	// TokenID is the token row id (JWT jti) when Method is token or delegated.
	TokenID string
	// AppID is the external application's client_id when Method is delegated.
	AppID string
}

// Can reports whether the principal holds scope (an empty scope needs only authentication).
func (p *Principal) Can(scope Scope) bool {
	if p == nil {
		return false
	}
	if scope == "" {
		return true
	}
	return p.Scopes.Has(scope)
}

// IsAdmin reports whether the principal may manage users.
func (p *Principal) IsAdmin() bool { return p.Can(ScopeUsersManage) }

package auth

import "sync"

// Kill names live sessions that must end now: those using TokenID, or all of UserID's.
type Kill struct {
	TokenID string
	UserID  string
	// ExceptTokenID keeps one session of UserID alive (password change from that session).
	ExceptTokenID string
	// PasswordChanged says why: other credentials derived from the account
	// (Subsonic app-passwords) are replaced too.
	PasswordChanged bool
}

// Matches reports whether a session of userID using tokenID must end.
func (k Kill) Matches(userID, tokenID string) bool {
	if k.TokenID != "" && k.TokenID == tokenID {
		return true
	}
	return k.UserID != "" && k.UserID == userID && (k.ExceptTokenID == "" || k.ExceptTokenID != tokenID)
}

// Notifier fans out kills to the transports that hold live sessions.
type Notifier struct {
	mu   sync.RWMutex
	subs []func(Kill)
}

// Subscribe registers fn. Every kill calls each fn in turn, synchronously, before the
// call that killed returns (so a revoked session is gone once the revoke is answered).
// fn may do short bounded work, such as a database write under its own timeout (the
// Subsonic module replaces an app-password this way), but it runs under the notifier's
// lock: it must not call Subscribe, and it must not wait for the caller that killed.
func (n *Notifier) Subscribe(fn func(Kill)) {
	n.mu.Lock()
	n.subs = append(n.subs, fn)
	n.mu.Unlock()
}

func (n *Notifier) notify(k Kill) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, fn := range n.subs {
		fn(k)
	}
}

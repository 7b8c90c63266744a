package subsonic

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"testing"

	"segue/internal/auth"
)

// TestPrincipalCarriesScopesAndFilters: a Subsonic login yields a principal
// with Method subsonic, the role's scopes and the user's filters.
func TestPrincipalCarriesScopesAndFilters(t *testing.T) {
	h, secret := fuzzHandler(t)
	ctx := context.Background()
	u, err := h.d.Users.Lookup(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.d.Users.Update(ctx, u.ID, auth.Patch{PlayerFilter: []string{"kitchen"}, ProviderFilter: []string{"local"}}); err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum([]byte(secret + "salt"))
	p, serr := h.d.Auth.Authenticate(ctx, &Params{U: "alice", T: hex.EncodeToString(sum[:]), S: "salt"}, "192.0.2.1")
	if serr != nil {
		t.Fatalf("authenticate: %+v", serr)
	}
	if p.Method != auth.MethodSubsonic || p.Channel != auth.ChannelDirect || p.User.ID != u.ID {
		t.Fatalf("principal %+v", p)
	}
	if !p.Can(auth.ScopeLibraryRead) || p.Can(auth.ScopeUsersManage) {
		t.Fatalf("scopes %v", p.Scopes.List())
	}
	if len(p.User.PlayerFilter) != 1 || p.User.PlayerFilter[0] != "kitchen" || len(p.User.ProviderFilter) != 1 {
		t.Fatalf("filters %v %v", p.User.PlayerFilter, p.User.ProviderFilter)
	}
}

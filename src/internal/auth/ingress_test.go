package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"segue/internal/auth"
	"segue/internal/fail"
)

const haID = "0123456789abcdef0123456789abcdef"

// An HA user whose name is taken locally gets a suffixed name that still keeps the
// 64-character limit (it was 64+33 before).
func TestIngressUsernamesKeepTheLengthLimit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	long := strings.Repeat("é", auth.MaxUsernameChars)
	f.user(t, long, auth.RoleUser)
	f.user(t, strings.Repeat("é", auth.MaxUsernameChars-7)+"_012345", auth.RoleUser) // the first shortened candidate too
	in := auth.NewIngress(f.users, nil, true)
	p, err := in.Resolve(ctx, haID, long, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(p.User.Username); n > auth.MaxUsernameChars {
		t.Fatalf("ingress username has %d characters: %q", n, p.User.Username)
	}
	if err := auth.ValidateUsername(p.User.Username); err != nil {
		t.Fatalf("ingress username %q does not validate: %v", p.User.Username, err)
	}
}

// Nobody takes the HA integration's reserved name: not on create, not on rename,
// not through ingress headers.
func TestReservedSystemUsername(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, name := range []string{auth.SystemUsername, " HomeAssistant_System "} {
		if _, err := f.users.Create(ctx, auth.NewUser{Username: name, Password: "password-x", Role: auth.RoleUser}); !fail.Is(err, fail.KindInvalid) {
			t.Errorf("create %q: err = %v, want invalid", name, err)
		}
		u := f.user(t, "bob", auth.RoleUser)
		if _, err := f.users.Update(ctx, u.ID, auth.Patch{Username: &name}); !fail.Is(err, fail.KindInvalid) {
			t.Errorf("rename to %q: err = %v, want invalid", name, err)
		}
		if err := f.users.Delete(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	p, err := auth.NewIngress(f.users, nil, true).Resolve(ctx, haID, auth.SystemUsername, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.User.Username == auth.SystemUsername {
		t.Fatalf("ingress user took the reserved name")
	}
}

// allow_self_registration=false: an HA user without an account is refused on
// ingress and none is created; a linked user still gets in.
func TestIngressHonoursSelfRegistration(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	closed := auth.NewIngress(f.users, nil, false)
	if _, err := closed.Resolve(ctx, haID, "newcomer", ""); !fail.Is(err, fail.KindForbidden) {
		t.Fatalf("new HA user with self-registration off: err = %v, want forbidden", err)
	}
	if _, err := f.users.FindLinked(ctx, auth.ProviderHomeAssistant, haID); !fail.Is(err, fail.KindNotFound) {
		t.Fatalf("an account was created: %v", err)
	}
	if _, err := auth.NewIngress(f.users, nil, true).Resolve(ctx, haID, "newcomer", ""); err != nil {
		t.Fatal(err)
	}
	p, err := closed.Resolve(ctx, haID, "newcomer", "")
	if err != nil || p.User.Username != "newcomer" {
		t.Fatalf("linked user refused: %v", err)
	}
}

// TestHAAdminLookupIsTheRoleRule: HA admins are Segue admins, other HA users
// are users, and a lookup that fails gives no role at all.
func TestHAAdminLookupIsTheRoleRule(t *testing.T) {
	lookupFailed := errors.New("home assistant unreachable")
	for _, tc := range []struct {
		name     string
		admin    bool
		err      error
		wantRole auth.Role
	}{
		{"HA admin", true, nil, auth.RoleAdmin},
		{"HA user", false, nil, auth.RoleUser},
		{"lookup fails", true, lookupFailed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lookup := auth.HAAdminLookup(func(context.Context, string) (bool, error) { return tc.admin, tc.err })
			role, err := lookup.RoleFor(t.Context(), haID)
			if role != tc.wantRole || !errors.Is(err, tc.err) {
				t.Fatalf("RoleFor = %q, %v; want %q, %v", role, err, tc.wantRole, tc.err)
			}
		})
	}
}

package hass

import (
	"errors"
	"testing"
	"time"

	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/hass/hasstest"
)

func TestRoleSourceFollowsHA(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	client, _ := runClient(t, sup.WebsocketURL(), sup.Token())
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	roles := NewRoleSource(client, RoleSourceOptions{TTL: 30 * time.Second, Clock: clk})

	admin := core.AddUser(hasstest.User{Username: "dana", Name: "Dana", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	plain := core.AddUser(hasstest.User{Username: "eve", IsActive: true, GroupIDs: []string{hasstest.UserGroup}})

	if r, err := roles.RoleFor(ctx, admin.ID); err != nil || r != auth.RoleAdmin {
		t.Fatalf("admin: %v, %v", r, err)
	}
	if r, err := roles.RoleFor(ctx, plain.ID); err != nil || r != auth.RoleUser {
		t.Fatalf("user: %v, %v", r, err)
	}

	// Demotion in HA: within the TTL the cached answer stands; after it, it reaches Segue.
	core.SetUserGroups(admin.ID, hasstest.UserGroup)
	if r, _ := roles.RoleFor(ctx, admin.ID); r != auth.RoleAdmin {
		t.Fatalf("within the TTL: %v, want the cached admin", r)
	}
	clk.Advance(31 * time.Second)
	if r, err := roles.RoleFor(ctx, admin.ID); err != nil || r != auth.RoleUser {
		t.Fatalf("after demotion: %v, %v; want user", r, err)
	}

	core.SetUserActive(plain.ID, false)
	roles.Invalidate()
	if _, err := roles.RoleFor(ctx, plain.ID); !errors.Is(err, ErrUserInactive) {
		t.Fatalf("inactive user: got %v, want ErrUserInactive", err)
	}
	if _, err := roles.RoleFor(ctx, "0123456789abcdef0123456789abcdef"); !errors.Is(err, ErrUnknownUser) {
		t.Fatalf("unknown user: got %v, want ErrUnknownUser", err)
	}
}

func TestRoleSourceFailsClosedWhenHAIsUnreachable(t *testing.T) {
	core, sup := startFakes(t)
	client, _ := runClient(t, sup.WebsocketURL(), "wrong-token")
	roles := NewRoleSource(client, RoleSourceOptions{})
	ctx, cancel := contextWithTimeout(testContext(t), 100*time.Millisecond)
	defer cancel()
	if r, err := roles.RoleFor(ctx, core.SupervisorUserID()); err == nil {
		t.Fatalf("got role %v without HA; want an error", r)
	}
}

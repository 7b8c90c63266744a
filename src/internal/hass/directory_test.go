package hass

import (
	"errors"
	"testing"
	"time"

	"segue/internal/clock/clocktest"
	"segue/internal/hass/hasstest"
)

func TestDirectoryFollowsHA(t *testing.T) {
	core, sup := startFakes(t)
	ctx := testContext(t)
	client, _ := runClient(t, sup.WebsocketURL(), sup.Token())
	clk := clocktest.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	users := NewDirectory(client, DirectoryOptions{TTL: 30 * time.Second, Clock: clk})

	admin := core.AddUser(hasstest.User{Username: "dana", Name: "Dana", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	plain := core.AddUser(hasstest.User{Username: "eve", IsActive: true, GroupIDs: []string{hasstest.UserGroup}})

	if u, err := users.User(ctx, admin.ID); err != nil || !u.IsAdmin() || u.Name != "Dana" {
		t.Fatalf("admin: %+v, %v", u, err)
	}
	if u, err := users.User(ctx, plain.ID); err != nil || u.IsAdmin() {
		t.Fatalf("user: %+v, %v", u, err)
	}

	// Demotion in HA: within the TTL the cached answer stands; after it, it reaches Segue.
	core.SetUserGroups(admin.ID, hasstest.UserGroup)
	if u, _ := users.User(ctx, admin.ID); !u.IsAdmin() {
		t.Fatalf("within the TTL: %+v, want the cached admin", u)
	}
	clk.Advance(31 * time.Second)
	if u, err := users.User(ctx, admin.ID); err != nil || u.IsAdmin() {
		t.Fatalf("after demotion: %+v, %v; want no admin", u, err)
	}

	core.SetUserActive(plain.ID, false)
	users.Invalidate()
	if _, err := users.User(ctx, plain.ID); !errors.Is(err, ErrUserInactive) {
		t.Fatalf("inactive user: got %v, want ErrUserInactive", err)
	}
	if _, err := users.User(ctx, "0123456789abcdef0123456789abcdef"); !errors.Is(err, ErrUnknownUser) {
		t.Fatalf("unknown user: got %v, want ErrUnknownUser", err)
	}
}

func TestDirectoryFailsClosedWhenHAIsUnreachable(t *testing.T) {
	core, sup := startFakes(t)
	client, _ := runClient(t, sup.WebsocketURL(), "wrong-token")
	users := NewDirectory(client, DirectoryOptions{})
	ctx, cancel := contextWithTimeout(testContext(t), 100*time.Millisecond)
	defer cancel()
	if u, err := users.User(ctx, core.SupervisorUserID()); err == nil {
		t.Fatalf("got user %+v without HA; want an error", u)
	}
}

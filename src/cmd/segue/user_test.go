package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"segue/internal/app"
	"segue/internal/apppass"
	"segue/internal/config"
	"segue/internal/secrets"
)

func runUser(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	rc := user(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return rc, out.String(), errOut.String()
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Issue 10 item 7: `segue user` opens only the store and the user service.
func TestUserListOnEmptyDirCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	rc, _, stderr := runUser(t, "", "list", "--data-dir", dir)
	if rc != 1 || !strings.Contains(stderr, "there is no database") {
		t.Fatalf("rc=%d stderr=%q, want 1 and a no-database message", rc, stderr)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("list left files behind: %v", names)
	}
}

func TestUserCommandsMakeNoKeys(t *testing.T) {
	dir := t.TempDir()
	if rc, _, stderr := runUser(t, "first-password-1\n", "create", "--data-dir", dir, "--username", "ada", "--role", "admin"); rc != 0 {
		t.Fatalf("create: rc=%d %s", rc, stderr)
	}
	rc, stdout, stderr := runUser(t, "", "list", "--data-dir", dir)
	if rc != 0 || !strings.Contains(stdout, "ada") {
		t.Fatalf("list: rc=%d stdout=%q stderr=%q", rc, stdout, stderr)
	}
	// No subsonic.key: the reset refuses instead of making a key that would not
	// match the app-passwords a server might have sealed.
	rc, _, stderr = runUser(t, "second-password-2\n", "reset-password", "--data-dir", dir, "--username", "ada")
	if rc != 1 || !strings.Contains(stderr, "subsonic.key") {
		t.Fatalf("reset-password without subsonic.key: rc=%d stderr=%q", rc, stderr)
	}
	for _, name := range dirNames(t, dir) {
		if !strings.HasPrefix(name, "segue.db") {
			t.Errorf("segue user made %s; only the database is expected", name)
		}
	}
}

func TestUserResetPasswordReplacesAppPassword(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if rc, _, stderr := runUser(t, "first-password-1\n", "create", "--data-dir", dir, "--username", "ada"); rc != 0 {
		t.Fatalf("create: rc=%d %s", rc, stderr)
	}
	if _, err := secrets.LoadOrCreateKey(filepath.Join(dir, apppass.KeyFile), 32, rand.Reader); err != nil {
		t.Fatal(err) // what serve would have made
	}
	cfg := config.Defaults()
	cfg.DataDir = dir
	reveal := func() string {
		a, err := app.OpenUserAdmin(ctx, cfg, app.UserAdminOptions{MustExist: true, AppPasswords: true})
		if err != nil {
			t.Fatal(err)
		}
		defer a.DB.Close()
		u, err := a.Users.Lookup(ctx, "ada")
		if err != nil {
			t.Fatal(err)
		}
		pw, err := a.Passwords.Reveal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return pw
	}
	before := reveal()
	if rc, _, stderr := runUser(t, "second-password-2\n", "reset-password", "--data-dir", dir, "--username", "ada"); rc != 0 {
		t.Fatalf("reset-password: rc=%d %s", rc, stderr)
	}
	if after := reveal(); after == before {
		t.Fatal("reset-password left the Subsonic app-password unchanged")
	}
}

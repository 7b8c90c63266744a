package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"segue/internal/apppass"
	"segue/internal/auth"
	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/secrets"
	"segue/internal/store"
)

// UserAdmin is what `segue user` needs and nothing more: the store and the user
// service. It creates no keys or identities and starts no background work, so a
// shell command cannot leave files the server never made.
type UserAdmin struct {
	DB    *store.DB
	Users *auth.Users
	// Passwords is set with UserAdminOptions.AppPasswords: the caller rotates the
	// user's app-password after a reset (the server does it on its kill fan-out).
	Passwords *apppass.Service
}

// UserAdminOptions say what a `segue user` action needs.
type UserAdminOptions struct {
	// MustExist refuses to create a database (list, reset-password).
	MustExist bool
	// AppPasswords opens the Subsonic app-passwords; it reads subsonic.key and
	// never creates it.
	AppPasswords bool
}

// OpenUserAdmin opens the store and the user service of cfg's data directory.
func OpenUserAdmin(ctx context.Context, cfg config.Config, opts UserAdminOptions) (*UserAdmin, error) {
	if opts.MustExist {
		if _, err := os.Stat(cfg.DBPath()); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("there is no database at %s (wrong --data-dir, or segue serve has not run yet)", cfg.DBPath())
		}
	}
	db, err := store.Open(ctx, cfg.DBPath())
	if err != nil {
		return nil, err
	}
	clk := clock.Real{}
	rnd := secrets.NewRandom(rand.Reader)
	hasher := secrets.NewHasher(secrets.DefaultArgon2, 2, rand.Reader, clk, nil)
	users := auth.NewUsers(db, clk, rnd, hasher, &auth.Notifier{})
	admin := &UserAdmin{DB: db, Users: users}
	if opts.AppPasswords {
		passwords, err := apppass.Open(ctx, apppass.Deps{DB: db, Users: users, Random: rnd, Clock: clk,
			KeyPath: filepath.Join(cfg.DataDir, apppass.KeyFile), KeyMustExist: true})
		if err != nil {
			db.Close()
			return nil, err
		}
		admin.Passwords = passwords
	}
	return admin, nil
}

package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"segue/internal/app"
	"segue/internal/auth"
	"segue/internal/config"
)

const userUsage = `Usage: segue user <create|reset-password|list> [flags]

  create          --username NAME [--role admin|user|guest|service] (password read from stdin)
  reset-password  --username NAME (new password read from stdin; signs the user out everywhere)
  list

Common flags: --data-dir DIR (default: the directory serve uses: SEGUE_DATA_DIR,
/data in the add-on, else ./data)

Run these while the server is stopped (or restart it afterwards): a running
server keeps checked tokens in memory and would not see a reset made here.
`

func user(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	action, args := args[0], args[1:]
	fs := flag.NewFlagSet("user "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "", "data directory of the server (default: as serve)")
	username := fs.String("username", "", "username")
	role := fs.String("role", "user", "role for create")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg := config.Defaults()
	cfg.DataDir = config.DataDir(*dataDir, os.Getenv)
	a, err := app.OpenUserAdmin(ctx, cfg, app.UserAdminOptions{MustExist: action != "create", AppPasswords: action == "reset-password"})
	if err != nil {
		fmt.Fprintf(stderr, "segue user: %v\n", err)
		return 1
	}
	defer a.DB.Close()
	readPassword := func() (string, error) {
		line, err := bufio.NewReader(io.LimitReader(stdin, auth.MaxPasswordBytes+2)).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	switch action {
	case "create":
		pw, err := readPassword()
		if err == nil {
			_, err = a.Users.Create(ctx, auth.NewUser{Username: *username, Password: pw, Role: auth.Role(*role)})
		}
		if err != nil {
			fmt.Fprintf(stderr, "segue user create: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "created %s (%s)\n", auth.NormalizeUsername(*username), *role)
	case "reset-password":
		u, err := a.Users.Lookup(ctx, *username)
		if err != nil {
			fmt.Fprintf(stderr, "segue user reset-password: %v\n", err)
			return 1
		}
		pw, err := readPassword()
		if err == nil {
			err = a.Users.SetPassword(ctx, u.ID, pw, "")
		}
		if err == nil { // as the server does on a password change: the old app-password stops working
			_, err = a.Passwords.Rotate(ctx, u.ID)
		}
		if err != nil {
			fmt.Fprintf(stderr, "segue user reset-password: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "password of %s reset; the user is signed out everywhere\n", u.Username)
	case "list":
		users, err := a.Users.List(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "segue user list: %v\n", err)
			return 1
		}
		for _, u := range users {
			state := "enabled"
			if !u.Enabled {
				state = "disabled"
			}
			fmt.Fprintf(stdout, "%-24s %-8s %s\n", u.Username, u.Role, state)
		}
	default:
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	return 0
}

package store

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// LoadMigrations reads numbered migrations (NNNN_name.sql) from dir in fsys, in order.
// Feature packages that own tables keep their migrations beside their code.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", e.Name())
		}
		body, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.Name, i+1)
		}
	}
	return out, nil
}

// MigrateComponent applies a feature's own migrations to the shared database. Its
// version lives in component_versions (the core schema keeps PRAGMA user_version),
// each migration runs in one transaction with its version bump, and a database newer
// than the program refuses to open, as for the core schema.
func (db *DB) MigrateComponent(ctx context.Context, component string, ms []Migration) error {
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS component_versions (
		component TEXT PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate %s: %w", component, err)
	}
	var current int
	err := db.W.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM component_versions WHERE component = ?", component).Scan(&current)
	if err != nil {
		return fmt.Errorf("migrate %s: read version: %w", component, err)
	}
	if current > len(ms) {
		return fmt.Errorf("migrate %s: database schema version %d is newer than this program knows (%d)", component, current, len(ms))
	}
	for _, m := range ms {
		if m.Version <= current {
			continue
		}
		tx, err := db.W.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s %s: %w", component, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrate %s %s: %w", component, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO component_versions(component, version) VALUES(?, ?)
			ON CONFLICT(component) DO UPDATE SET version = excluded.version`, component, m.Version); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migrate %s %s: %w", component, m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s %s: %w", component, m.Name, err)
		}
	}
	return nil
}

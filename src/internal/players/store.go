package players

import (
	"context"
	"embed"

	"segue/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// settings are what Segue keeps about one player.
type settings struct {
	Name     string
	HideInUI bool
	Format   string
}

// openStore migrates the players' tables.
func openStore(ctx context.Context, db *store.DB) error {
	ms, err := store.LoadMigrations(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	return db.MigrateComponent(ctx, "players", ms)
}

func loadSettings(ctx context.Context, db *store.DB) (map[string]settings, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT player_id, name, hide_in_ui, format FROM players ORDER BY player_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]settings{}
	for rows.Next() {
		var id string
		var s settings
		if err := rows.Scan(&id, &s.Name, &s.HideInUI, &s.Format); err != nil {
			return nil, err
		}
		out[id] = s
	}
	return out, rows.Err()
}

func saveSettings(ctx context.Context, db *store.DB, id string, s settings) error {
	_, err := db.W.ExecContext(ctx, `INSERT INTO players(player_id, name, hide_in_ui, format) VALUES(?, ?, ?, ?)
		ON CONFLICT(player_id) DO UPDATE SET name = excluded.name, hide_in_ui = excluded.hide_in_ui, format = excluded.format`,
		id, s.Name, s.HideInUI, s.Format)
	return err
}

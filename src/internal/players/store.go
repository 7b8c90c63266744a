package players

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"

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

// saveQueue stores a queue's position and settings, and its items when they changed.
func saveQueue(ctx context.Context, db *store.DB, id string, q *playQueue, items bool) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO queues(queue_id, current_index, resume_pos, shuffle, repeat_mode, next_sort)
			VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(queue_id) DO UPDATE SET current_index = excluded.current_index,
			resume_pos = excluded.resume_pos, shuffle = excluded.shuffle, repeat_mode = excluded.repeat_mode, next_sort = excluded.next_sort`,
			id, q.current, q.posBase, q.shuffle, q.repeat, q.nextSort); err != nil {
			return err
		}
		if !items {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM queue_items WHERE queue_id = ?", id); err != nil {
			return err
		}
		for i, it := range q.items {
			item, err := json.Marshal(it)
			if err != nil {
				return err
			}
			track, err := json.Marshal(it.track)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO queue_items(queue_id, position, item, track) VALUES(?, ?, ?, ?)",
				id, i, string(item), string(track)); err != nil {
				return err
			}
		}
		return nil
	})
}

// loadQueue reads a stored queue; playback state starts idle at the stored position.
func loadQueue(ctx context.Context, db *store.DB, id string) (playQueue, error) {
	q := newPlayQueue()
	err := db.R.QueryRowContext(ctx, "SELECT current_index, resume_pos, shuffle, repeat_mode, next_sort FROM queues WHERE queue_id = ?", id).
		Scan(&q.current, &q.posBase, &q.shuffle, &q.repeat, &q.nextSort)
	if errors.Is(err, sql.ErrNoRows) {
		return q, nil
	}
	if err != nil {
		return q, err
	}
	rows, err := db.R.QueryContext(ctx, "SELECT item, track FROM queue_items WHERE queue_id = ? ORDER BY position", id)
	if err != nil {
		return q, err
	}
	defer rows.Close()
	for rows.Next() {
		var item, track string
		if err := rows.Scan(&item, &track); err != nil {
			return q, err
		}
		var it QueueItem
		if err := json.Unmarshal([]byte(item), &it); err != nil {
			return q, err
		}
		if err := json.Unmarshal([]byte(track), &it.track); err != nil {
			return q, err
		}
		q.items = append(q.items, it)
	}
	if q.current >= len(q.items) {
		q.current = len(q.items) - 1
	}
	return q, rows.Err()
}

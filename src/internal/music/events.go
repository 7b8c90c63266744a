package music

import (
	"context"

	"segue/internal/auth"
	"segue/internal/library"
)

// Run relays library events as MA events until ctx ends:
//   - scan progress as tasks_updated with music_sync tasks (MA suppresses per-item
//     events during a sync and so does Segue: the pages refresh when the task ends);
//   - outside scans, item changes as media_item_added / _updated / _deleted,
//     coalesced (each item once per batch), each user getting the item as they
//     see it (their favourites, their provider filter);
//   - a user's own changes (a star, a play) only to that user.
func (m *Module) Run(ctx context.Context) {
	events := make(chan library.Event, 256)
	cancel := m.lib.Subscribe(func(e library.Event) {
		select {
		case events <- e:
		default:
			m.log.Warn("music: library event dropped (relay behind)")
		}
	})
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-events:
			batch := []library.Event{e}
		drain:
			for {
				select {
				case e := <-events:
					batch = append(batch, e)
				default:
					break drain
				}
			}
			m.relay(ctx, batch)
		}
	}
}

type changeKey struct {
	kind library.Kind
	id   int64
	user string
}

func (m *Module) relay(ctx context.Context, batch []library.Event) {
	var scan *library.ScanStatus
	ops := map[changeKey]library.ChangeOp{}
	var order []changeKey
	for _, e := range batch {
		if e.Scan != nil {
			scan = e.Scan
		}
		for _, c := range e.Changes {
			k := changeKey{c.Kind, c.ID, c.UserID}
			if _, seen := ops[k]; !seen {
				order = append(order, k)
			}
			ops[k] = merge(ops[k], c.Op)
		}
	}
	if scan != nil && m.tasks.update(*scan) {
		// Tasks are what tasks/list shows: for those who may read system state.
		m.publish(func(p *auth.Principal) bool { return p.Can(auth.ScopeSystemRead) }, "tasks_updated", "", m.tasks.list())
	}
	scanning := scan != nil && scan.Scanning
	if scan == nil {
		scanning = m.tasks.scanning()
	}
	var users []auth.User
	for _, k := range order {
		if k.user == "" && scanning {
			continue
		}
		if users == nil {
			var err error
			if users, err = m.users.List(ctx); err != nil {
				m.log.WithError(err).Warn("music: cannot list users for item events")
				return
			}
		}
		m.relayChange(ctx, k, ops[k], users)
	}
}

// merge keeps what a client must learn: added then deleted is deleted, added then
// updated is still added.
func merge(prev, next library.ChangeOp) library.ChangeOp {
	if prev == library.Added && next == library.Updated {
		return library.Added
	}
	return next
}

var mediaTypes = map[library.Kind]string{library.KindArtist: "artist", library.KindAlbum: "album", library.KindTrack: "track", library.KindPlaylist: "playlist"}

func (m *Module) relayChange(ctx context.Context, k changeKey, op library.ChangeOp, users []auth.User) {
	mt, ok := mediaTypes[k.kind]
	if !ok {
		return
	}
	uri := libraryURI(mt, k.id)
	if op == library.Deleted {
		gone := newBase(mt, k.id, "", "")
		m.publish(nil, "media_item_deleted", uri, gone)
		return
	}
	event := "media_item_updated"
	if op == library.Added {
		event = "media_item_added"
	}
	for _, u := range users {
		if k.user != "" && u.ID != k.user {
			continue
		}
		item, err := m.item(ctx, m.lib.Viewer(u.ID, u.ProviderFilter), mt, k.id)
		if err != nil {
			continue // not visible to this user (provider filter, private playlist)
		}
		id := u.ID
		m.publish(func(p *auth.Principal) bool { return p.User.ID == id }, event, uri, item)
	}
}

func (m *Module) item(ctx context.Context, v library.Viewer, mediaType string, id int64) (any, error) {
	switch mediaType {
	case "artist":
		return m.getArtist(ctx, v, id, itemArgs{})
	case "album":
		return m.getAlbum(ctx, v, id, itemArgs{})
	case "track":
		return m.getTrack(ctx, v, id, itemArgs{})
	default:
		return m.getPlaylist(ctx, v, id, itemArgs{})
	}
}

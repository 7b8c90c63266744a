package music_test

import "testing"

const playersFixture = "testdata/frontend/players.json"

// TestReplayFrontendPlayers replays the real frontend's recorded player walk
// (TestRealFrontendPlayers: the player list, a speaker chosen, an album played on
// it, the queue view, pause, next, seek, previous, repeat, shuffle, volume)
// against a server with the same fake speakers: every command succeeds and
// answers the reference's shape, and after each step the speakers do what the
// browser walk checked of them.
func TestReplayFrontendPlayers(t *testing.T) {
	walk := readFixture(t, playersFixture)
	s := newSpeakersEnv(t)
	checks := s.stepChecks()
	checked := map[string]bool{}
	seen := replay(t, s.env, walk, placeholders(s.picked, adminID(t, s.env)), func(step string) {
		if check := checks[step]; check != nil {
			if err := check(); err != nil {
				t.Errorf("after the walk's %s step: %v", step, err)
			}
			checked[step] = true
		}
	})
	for step := range checks {
		if !checked[step] {
			t.Errorf("the walk has no %s step", step)
		}
	}
	for _, c := range []string{"players/all", "player_queues/all", "auth/user/update", "player_queues/play_media", "player_queues/items",
		"players/cmd/play_pause", "players/cmd/next", "players/cmd/seek", "players/cmd/previous", "players/cmd/volume_set",
		"player_queues/repeat", "player_queues/shuffle",
		"metadata/get_track_lyrics", "dashboard/sessions", "dashboard/dashboards"} {
		if !seen[c] {
			t.Errorf("the walk never ran %s", c)
		}
	}
}

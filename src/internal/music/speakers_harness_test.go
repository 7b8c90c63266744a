package music_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"segue/internal/config"
	"segue/internal/hass/hasstest"
	"segue/internal/players"
	"segue/internal/testutil"
)

// speakersEnv is env with a fake Home Assistant Core whose media players are the
// server's players, reached as outside the add-on (homeassistant-url and
// homeassistant-token): a Cast speaker (takes the library's files as they are), a
// DLNA renderer (MP3 only, so its streams go through ffmpeg) and a speaker that is
// off the network. The player walks play an album on the renderer.
type speakersEnv struct {
	*env
	kitchen, living, bedroom *hasstest.Speaker
	// picked are the walk's album and its first two tracks.
	picked ids
}

// theSpeakers are the household of the walks, in speakersEnv's field order.
var theSpeakers = []hasstest.SpeakerOptions{
	{EntityID: "media_player.kitchen", Name: "Kitchen", Volume: 0.3, Platform: "cast",
		Accepts: []string{"audio/mpeg", "audio/mp4", "audio/flac", "audio/ogg", "audio/wav"}},
	{EntityID: "media_player.living_room", Name: "Living Room", Volume: 0.5, Platform: "dlna_dmr"},
	{EntityID: "media_player.bedroom", Name: "Bedroom", Volume: 0.2, Platform: "cast"},
}

func newSpeakersEnv(t *testing.T) *speakersEnv {
	t.Helper()
	testutil.RequireTool(t, "ffmpeg")
	core := hasstest.StartCore(t, hasstest.CoreOptions{})
	owner := core.AddUser(hasstest.User{Username: "owner", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	token := core.CreateLongLivedToken(owner.ID)
	s := &speakersEnv{}
	s.kitchen, s.living, s.bedroom = core.AddSpeaker(theSpeakers[0]), core.AddSpeaker(theSpeakers[1]), core.AddSpeaker(theSpeakers[2])
	// Tracks long enough that the now-playing bar's time stays inside the track
	// during the walk (the fake speakers play on the real clock).
	s.env = newEnvTB(t, 12, envOptions{trackLength: 90 * time.Second,
		config: func(c *config.Config) { c.HomeAssistantURL, c.HomeAssistantToken = core.URL(), token }})
	s.bedroom.SetAvailable(false)
	s.waitPlayers(t)
	s.picked = s.pick(t)
	if s.picked.Track2.ItemID == "" {
		t.Fatalf("the walk's album needs two tracks: %+v", s.picked)
	}
	return s
}

// waitPlayers waits until players/all lists every speaker (discovery runs in the
// background once the server is up), the bedroom one as unavailable.
func (s *speakersEnv) waitPlayers(t *testing.T) {
	t.Helper()
	testutil.WaitFor(t, 30*time.Second, "players/all lists the fake speakers, the bedroom one unavailable", func() bool {
		var all []struct {
			PlayerID  string `json:"player_id"`
			Available bool   `json:"available"`
		}
		r := s.ws.Command("players/all", nil)
		if r.ErrorCode != 0 || json.Unmarshal(r.Result, &all) != nil || len(all) != len(theSpeakers) {
			return false
		}
		for _, p := range all {
			if p.Available != (p.PlayerID != "media_player.bedroom") {
				return false
			}
		}
		return true
	})
}

// stepChecks are what must hold of the speakers after a step of the player walk,
// in the browser (checkpoints) and in its replay alike: the renderer fetched its
// stream from the stream route and plays the album's first track; pauses; plays the
// second from a new URL; seeks into it (a new stream, the queue's time there);
// restarts it on previous (more than 5 s in); repeats the queue; shuffles what
// comes next without touching the stream; changes its volume. The other speakers
// never get anything.
func (s *speakersEnv) stepChecks() map[string]func() error {
	fetched := 0 // the renderer's fetches so far, for "a new stream"
	playing := func(title string, newStream bool) func(string, map[string]any, []hasstest.Fetch) error {
		return func(state string, attrs map[string]any, f []hasstest.Fetch) error {
			if state != "playing" || attrs["media_title"] != title || (newStream && len(f) <= fetched) {
				return fmt.Errorf("state %s, title %v, %d fetches (%d before)", state, attrs["media_title"], len(f), fetched)
			}
			if newStream {
				if err := s.streamed(f[len(f)-1]); err != nil {
					return err
				}
				if len(f) > 1 && f[len(f)-1].URL == f[len(f)-2].URL {
					return fmt.Errorf("the new stream came from the old URL")
				}
				fetched = len(f)
			}
			return nil
		}
	}
	track1, track2 := s.picked.Track.Name, s.picked.Track2.Name
	return map[string]func() error{
		"play": func() error { return s.waitSpeaker("playing "+track1, playing(track1, true)) },
		"pause": func() error {
			return s.waitSpeaker("paused", func(state string, attrs map[string]any, f []hasstest.Fetch) error {
				if state != "paused" || attrs["media_title"] != track1 {
					return fmt.Errorf("state %s, title %v", state, attrs["media_title"])
				}
				return nil
			})
		},
		"next": func() error { return s.waitSpeaker("playing "+track2, playing(track2, true)) },
		"seek": func() error {
			if err := s.waitSpeaker("playing "+track2+" from a new stream", playing(track2, true)); err != nil {
				return err
			}
			// The walk seeks to about the middle of the track.
			if q := s.queue(); q.CurrentIndex != 1 || q.ElapsedTime < 0.25*q.CurrentItem.Duration || q.ElapsedTime > 0.8*q.CurrentItem.Duration {
				return fmt.Errorf("queue after seek: index %d, %.1f s of %.0f", q.CurrentIndex, q.ElapsedTime, q.CurrentItem.Duration)
			}
			return nil
		},
		"previous": func() error {
			if err := s.waitSpeaker("playing "+track2+" from its start", playing(track2, true)); err != nil {
				return err
			}
			if q := s.queue(); q.CurrentIndex != 1 || q.ElapsedTime > 10 {
				return fmt.Errorf("queue after previous: index %d, %.1f s", q.CurrentIndex, q.ElapsedTime)
			}
			return nil
		},
		"repeat": func() error {
			if q := s.queue(); q.RepeatMode != "all" {
				return fmt.Errorf("repeat mode %q", q.RepeatMode)
			}
			return nil
		},
		"shuffle": func() error {
			// Shuffling reorders what comes next; the track playing plays on, same stream.
			if err := s.waitSpeaker("still playing "+track2, playing(track2, false)); err != nil {
				return err
			}
			if n := len(s.living.Fetches()); n != fetched {
				return fmt.Errorf("shuffle restarted the stream (%d fetches, %d before)", n, fetched)
			}
			if q := s.queue(); !q.ShuffleEnabled || q.CurrentIndex != 1 {
				return fmt.Errorf("queue after shuffle: shuffle %v, index %d", q.ShuffleEnabled, q.CurrentIndex)
			}
			return nil
		},
		"volume": func() error {
			return s.waitSpeaker("louder", func(state string, attrs map[string]any, f []hasstest.Fetch) error {
				// The walk sets about 80 % (it was 50 %).
				if v, _ := attrs["volume_level"].(float64); state != "playing" || v < 0.65 || v > 0.95 {
					return fmt.Errorf("state %s, volume %v", state, attrs["volume_level"])
				}
				return nil
			})
		},
	}
}

// walkQueue is what the checks read of the renderer's queue.
type walkQueue struct {
	CurrentIndex   int     `json:"current_index"`
	ElapsedTime    float64 `json:"elapsed_time"`
	RepeatMode     string  `json:"repeat_mode"`
	ShuffleEnabled bool    `json:"shuffle_enabled"`
	CurrentItem    struct {
		Duration float64 `json:"duration"`
	} `json:"current_item"`
}

// queue reads the renderer's queue over the test's own socket (an unreadable one
// has index -1, which every check refuses).
func (s *speakersEnv) queue() walkQueue {
	var q walkQueue
	r := s.ws.Command("player_queues/get", map[string]any{"queue_id": "media_player.living_room"})
	if r.ErrorCode != 0 || json.Unmarshal(r.Result, &q) != nil {
		return walkQueue{CurrentIndex: -1}
	}
	return q
}

// waitSpeaker waits up to 20 s for the renderer to satisfy cond (nil error), and
// checks that the other speakers stayed silent.
func (s *speakersEnv) waitSpeaker(what string, cond func(state string, attrs map[string]any, fetches []hasstest.Fetch) error) error {
	var last error
	ok := testutil.Eventually(20*time.Second, func() bool {
		state, attrs := s.living.State()
		last = cond(state, attrs, s.living.Fetches())
		return last == nil
	})
	if !ok {
		return fmt.Errorf("living room is not %s: %v", what, last)
	}
	for _, sp := range []*hasstest.Speaker{s.kitchen, s.bedroom} {
		if st, _ := sp.State(); len(sp.Fetches()) != 0 || (st != "idle" && st != "unavailable") {
			return fmt.Errorf("another speaker was played on: %s, %+v", st, sp.Fetches())
		}
	}
	return nil
}

// streamed checks one of the renderer's fetches: a GET of the stream route on the
// server's address that answered MP3 and sent audio.
func (s *speakersEnv) streamed(f hasstest.Fetch) error {
	if f.Method != "GET" || !strings.HasPrefix(f.URL, s.srv.URL+players.StreamPath) || f.Status != 200 || f.ContentType != "audio/mpeg" {
		return fmt.Errorf("fetch %+v", f)
	}
	arrived := func() bool {
		all := s.living.Fetches()
		return all[len(all)-1].Bytes > 0
	}
	if testutil.Eventually(10*time.Second, arrived) {
		return nil
	}
	return fmt.Errorf("no audio arrived from %s", f.URL)
}

// checkpoints serves the browser walk's checkpoints: GET /<step> runs that
// step's check and answers 200, or 409 with why it failed.
func checkpoints(checks map[string]func() error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		check, ok := checks[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.Error(w, "no such checkpoint", http.StatusNotFound)
			return
		}
		if err := check(); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		fmt.Fprint(w, "ok")
	})
}

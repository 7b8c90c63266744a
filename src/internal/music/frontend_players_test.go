package music_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"segue/internal/remote/peer"
)

// TestRealFrontendPlayers: in the real MA frontend, with Home Assistant's (fake)
// speakers as players, the player list shows the two available speakers, idle (the
// unavailable one is left out, as the frontend does with MA); the user chooses the
// living-room renderer, opens an album and presses Play, which shows the renderer's
// name: the renderer fetches the album's first track from the stream route and
// plays it, the now-playing bar shows it, the queue view lists the album; pause
// pauses the renderer, next plays the second track on it, a click mid-timeline
// seeks there, previous restarts it, repeat and shuffle set the queue's modes (the
// stream plays on), the volume slider sets the renderer's volume, and the player
// list shows it playing there. No command fails and no error toast
// shows.
func TestRealFrontendPlayers(t *testing.T) {
	build := frontendBuild(t, "TestReplayFrontendPlayers")
	s := newSpeakersEnv(t)
	env := []string{"MODE=direct", "SEGUE_URL=" + s.srv.URL}
	// SEGUE_MA_RECORD=<which frontend build> re-records the replay fixture.
	from := os.Getenv("SEGUE_MA_RECORD")
	raw := filepath.Join(t.TempDir(), "players.json")
	if from != "" {
		env = append(env, "RECORD="+raw)
	}
	walkPlayers(t, build, s, env)
	if from != "" {
		writeFixture(t, playersFixture, raw, from, s.picked)
	}
}

// TestRealFrontendPlayersRemote: the same walk with the frontend paired by remote
// ID (as TestRealFrontendRemote): the player commands travel over the WebRTC data
// channel, the speaker still fetches from the LAN address.
func TestRealFrontendPlayersRemote(t *testing.T) {
	build := frontendBuild(t, "TestReplayFrontendPlayers")
	s := newSpeakersEnv(t)
	sigURL := startLoopbackSignaling(t)
	gw := startLoopbackGateway(t, s.env, sigURL)
	walkPlayers(t, build, s, []string{"MODE=remote", "SIGNALING_URL=" + sigURL, "REMOTE_ID=" + peer.FormatRemoteID(gw.RemoteID())})
}

// walkPlayers runs testdata/js/players.mjs against the speakers, answering its
// checkpoints with the speakers' step checks.
func walkPlayers(t *testing.T, build string, s *speakersEnv, env []string) {
	t.Helper()
	fe := httptest.NewServer(http.FileServer(http.Dir(build)))
	defer fe.Close()
	checks := httptest.NewServer(checkpoints(s.stepChecks()))
	defer checks.Close()
	env = append(env, "SEGUE_USER="+adminUser, "SEGUE_PASS="+adminPass, "MAFE_URL="+fe.URL, "CHECK_URL="+checks.URL,
		"ALBUM_ID="+s.picked.Album.ItemID, "TRACK_NAME="+s.picked.Track.Name, "TRACK2_NAME="+s.picked.Track2.Name,
		"SPEAKER_ID=media_player.living_room", "SPEAKER_NAME=Living Room", "LISTED_IDS=media_player.kitchen,media_player.living_room",
		"OFFLINE_ID=media_player.bedroom")
	runFrontend(t, "players.mjs", env)
}

package music_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"segue/internal/library"
	"segue/internal/testutil"
)

// frontendBuild is a build of the real MA web frontend (music-assistant/frontend,
// built outside this repository: see README "Measuring"), or the test skips: CI
// cannot fetch that source, and the replay test named replays the commands
// recorded from it instead.
func frontendBuild(t *testing.T, replay string) string {
	t.Helper()
	dir := os.Getenv("SEGUE_MA_FRONTEND")
	if dir == "" {
		t.Skipf("SKIP reason: no build of the real MA frontend (SEGUE_MA_FRONTEND unset; its public source cannot be fetched here, e.g. in CI) — %s replays its recorded commands instead", replay)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		t.Skipf("SKIP reason: SEGUE_MA_FRONTEND=%s holds no frontend build (%v)", dir, err)
	}
	return dir
}

// runFrontend drives the real frontend with a walk in testdata/js (mafe.mjs,
// players.mjs).
func runFrontend(t *testing.T, script string, env []string) string {
	t.Helper()
	chromium := testutil.RequireTool(t, "chromium")
	dir := testutil.RequireNodeModules(t, "testdata/js")
	shots := os.Getenv("SEGUE_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append(env, "CHROMIUM="+chromium, "SEGUE_SCREENSHOT_DIR="+shots)...)
	out, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", script, out)
	if err != nil || !strings.Contains(string(out), "\nPASS\n") {
		t.Fatalf("the real MA frontend walk failed: %v", err)
	}
	t.Logf("screenshots in %s", shots)
	return string(out)
}

// TestRealFrontendDirect: the real MA frontend on its own origin, pointed at
// Segue's public listener, leaves "Connecting…", shows the Library with covers,
// an album's tracks, an artist, finds a track, and marks a favourite that is the
// library's star (the one Subsonic shows) — with no error result or toast.
func TestRealFrontendDirect(t *testing.T) {
	build := frontendBuild(t, "TestReplayFrontendWalk")
	e := newEnv(t, 24)
	p := e.pick(t)
	fe := httptest.NewServer(http.FileServer(http.Dir(build)))
	defer fe.Close()
	env := append(walkEnv(p), "MODE=direct", "MAFE_URL="+fe.URL, "SEGUE_URL="+e.srv.URL)
	// SEGUE_MA_RECORD=<which frontend build> re-records the replay fixture.
	from := os.Getenv("SEGUE_MA_RECORD")
	raw := filepath.Join(t.TempDir(), "walk.json")
	if from != "" {
		env = append(env, "RECORD="+raw)
	}
	out := runFrontend(t, "mafe.mjs", env)
	logTimings(t, "direct", out)
	assertFavourite(t, e, p)
	if from != "" {
		writeFixture(t, walkFixture, raw, from, p)
	}
}

// walkEnv tells mafe.mjs who signs in and which library items the walk visits.
func walkEnv(p ids) []string {
	return []string{"SEGUE_USER=" + adminUser, "SEGUE_PASS=" + adminPass,
		"ARTIST_ID=" + p.Artist.ItemID, "ARTIST_NAME=" + p.Artist.Name, "ALBUM_ID=" + p.Album.ItemID, "ALBUM_NAME=" + p.Album.Name,
		"TRACK_NAME=" + p.Track.Name, "GENRE_NAME=" + p.Genre.Name}
}

// logTimings reports what mafe.mjs measured (not asserted: timings are measured, not tested).
func logTimings(t *testing.T, mode, out string) {
	t.Helper()
	if m := regexp.MustCompile(`RESULT (\{.*\})`).FindStringSubmatch(out); m != nil {
		t.Logf("real MA frontend, %s: %s", mode, m[1])
	}
}

// assertFavourite checks that the favourite the app set is the library's star,
// and that Subsonic shows it.
func assertFavourite(t *testing.T, e *env, p ids) {
	t.Helper()
	var me struct {
		UserID string `json:"user_id"`
	}
	// Over HTTP: the test's own socket may have idled out during a long walk.
	e.srv.MustCall(t, e.token, "auth/me", nil, &me)
	albums, err := e.srv.App.Library.Albums(context.Background(), e.srv.App.Library.Viewer(me.UserID, nil), library.AlbumQuery{Favorite: true})
	if err != nil || len(albums) != 1 || albums[0].Name != p.Album.Name {
		t.Fatalf("favourite set in the app: %+v %v", albums, err)
	}
	assertSubsonicStar(t, e, p.Album.Name)
}

// assertSubsonicStar checks, through the Subsonic API, that the album is starred.
func assertSubsonicStar(t *testing.T, e *env, album string) {
	t.Helper()
	starred := e.subsonic(t, "getStarred2", nil)["starred2"].(map[string]any)
	if !has(names(starred["album"], "name"), album) {
		t.Fatalf("the favourite the app set is not a Subsonic star: %v", starred)
	}
}

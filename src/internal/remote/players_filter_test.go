package remote_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/auth"
	"segue/internal/clock/clocktest"
	"segue/internal/hass"
	"segue/internal/hass/hasstest"
	"segue/internal/library"
	"segue/internal/players"
	"segue/internal/remote"
	"segue/internal/remote/client"
	"segue/internal/remote/peer"
	"segue/internal/store"
	"segue/internal/subsonic"
)

// filterTokens signs in "limited" as a plain user who may use the kitchen only.
type filterTokens struct{}

func (filterTokens) Authenticate(_ context.Context, token string) (*auth.Principal, error) {
	if token != "limited" {
		return nil, auth.ErrInvalidToken
	}
	return &auth.Principal{User: auth.User{ID: "u2", Username: "bob", Role: auth.RoleUser, Enabled: true,
		PlayerFilter: []string{"media_player.kitchen"}}, Scopes: auth.RoleScopes(auth.RoleUser), Method: auth.MethodToken, TokenID: "t2"}, nil
}

// playersOverHA is the players registry following a fake Home Assistant with two
// speakers, its commands on a real API server, its stream route on a loopback server.
type playersOverHA struct {
	api           *api.Server
	routes        http.Handler
	kitchen, hall *hasstest.Speaker
}

func startPlayersOverHA(t *testing.T, ctx context.Context) *playersOverHA {
	t.Helper()
	log := logrus.New()
	log.SetOutput(io.Discard)
	clk := clocktest.NewFake(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
	core := hasstest.StartCore(t, hasstest.CoreOptions{Clock: clk})
	owner := core.AddUser(hasstest.User{Username: "owner", IsActive: true, GroupIDs: []string{hasstest.AdminGroup}})
	hc, err := hass.NewClient(hass.ClientOptions{URL: core.WebsocketURL(), Token: core.CreateLongLivedToken(owner.ID), Logger: log, PingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	p := &playersOverHA{
		kitchen: core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.kitchen", Name: "Kitchen", Volume: 0.2}),
		hall:    core.AddSpeaker(hasstest.SpeakerOptions{EntityID: "media_player.hall", Name: "Hall", Volume: 0.2}),
	}
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "segue.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	song := filepath.Join(dir, "1.mp3")
	if err := os.WriteFile(song, make([]byte, 64<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	streams := httptest.NewServer(mux)
	t.Cleanup(streams.Close)
	reg := api.NewRegistry()
	registry, err := players.NewRegistry(ctx, players.Deps{DB: db, Clock: clk, Log: log, DataDir: dir, Rand: rand.Reader,
		Publish:  func(to func(*auth.Principal) bool, event, id string, data any) { p.api.PublishTo(to, event, id, data) },
		Speakers: speakersOver{hc}, StreamBase: func() string { return streams.URL }, Throttle: auth.NewThrottle(clk),
		Audio: subsonic.NewTranscoder("", 1), // no ffmpeg: the file as it is
		Tracks: func(context.Context, *auth.Principal, []string) ([]players.Track, error) {
			return []players.Track{{ID: 1, Name: "Artist - Song", Title: "Song", Artist: "Artist", Album: "Album", Duration: 180,
				Suffix: "mp3", URI: "library://track/1", MediaItem: map[string]any{"item_id": "1", "media_type": "track"}}}, nil
		},
		Open: func(context.Context, library.Viewer, int64) (*library.TrackFile, error) {
			f, err := os.Open(song)
			if err != nil {
				return nil, err
			}
			info, _ := f.Stat()
			return &library.TrackFile{File: f, Info: info, Track: library.Track{ID: 1, Path: "1.mp3", Duration: 180 * time.Second,
				Audio: library.AudioFormat{Format: "mp3", ContentType: "audio/mpeg"}, Available: true}}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	m := registry.Module()
	reg.Register(m.Commands...)
	for _, rt := range m.Routes {
		mux.Handle(rt.Pattern, rt.Handler)
	}
	p.routes = mux
	p.api = api.NewServer(reg, filterTokens{}, func(context.Context, api.ConnInfo) any {
		return map[string]any{"server_id": "test", "server_version": "0.0.0", "schema_version": 49, "min_supported_schema_version": 28}
	}, log, api.Options{})
	bg, stop := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = hc.Run(bg); done <- struct{}{} }()
	go func() { _ = hass.WatchMediaPlayers(bg, hc, registry, clk, log); done <- struct{}{} }()
	t.Cleanup(func() { stop(); <-done; <-done })
	return p
}

type speakersOver struct{ c *hass.Client }

func (s speakersOver) Call(ctx context.Context, id, service string, data map[string]any) error {
	return hass.CallMediaPlayer(ctx, s.c, id, service, data)
}

var adminPrincipal = &auth.Principal{User: auth.User{ID: "admin", PlayerFilter: []string{}}, Scopes: auth.RoleScopes(auth.RoleAdmin)}

func (p *playersOverHA) adminCall(t *testing.T, ctx context.Context, command string, args map[string]any) any {
	t.Helper()
	raw, _ := json.Marshal(args)
	res, err := p.api.Call(ctx, adminPrincipal, api.ConnInfo{}, command, raw)
	if err != nil {
		t.Fatalf("%s as admin: %v", command, err)
	}
	return res
}

// Issue 15 acceptance "player_filter … over remote access too": a user limited to the
// kitchen, connected over the remote-access data channel (real pion, loopback),
// does not see the hall speaker in any list, gets "not found" from every command
// naming it (the speaker is never touched), receives none of its events, and cannot
// fetch its stream URL through the remote HTTP proxy (the stream route is not
// served there at all; the same URL plays on the LAN).
func TestPlayerFilterOverRemoteAccess(t *testing.T) {
	ctx := ctxT(t)
	p := startPlayersOverHA(t, ctx)
	waitFor(t, "both speakers known", func() bool {
		raw, _ := json.Marshal(p.adminCall(t, ctx, "players/all", nil))
		return strings.Contains(string(raw), "media_player.kitchen") && strings.Contains(string(raw), "media_player.hall")
	})
	p.adminCall(t, ctx, "player_queues/play_media", map[string]any{"queue_id": "media_player.hall", "media": "library://track/1"})
	var hallURL string
	p.hall.WaitFor(t, ctx, "hall playing", func(state string, attrs map[string]any, fetches []hasstest.Fetch) bool {
		hallURL, _ = attrs["media_content_id"].(string)
		return state == "playing" && len(fetches) == 1
	})

	h := newHarness(t, func(cfg *remote.GatewayConfig) {
		cfg.Serve = func(ctx context.Context, c api.Conn, info api.ConnInfo) { p.api.ServeConn(ctx, c, info) }
		cfg.HTTPHandler = players.WithoutStreams(p.routes) // as internal/app wires remote access
	})
	c := h.dial(t)
	if err := c.Auth(ctx, "limited"); err != nil {
		t.Fatal(err)
	}

	for _, cmd := range []string{"players/all", "player_queues/all", "config/players"} {
		raw, err := c.Call(ctx, cmd, nil)
		if err != nil || strings.Contains(string(raw), "media_player.hall") || !strings.Contains(string(raw), "media_player.kitchen") {
			t.Errorf("%s over remote access: %s %v", cmd, raw, err)
		}
	}
	if raw, err := c.Call(ctx, "player_queues/items", map[string]any{"queue_id": "media_player.hall"}); err != nil || string(raw) != "[]" {
		t.Errorf("the hall queue's items: %s %v", raw, err)
	}
	hall := "media_player.hall"
	for _, cmd := range []struct {
		name string
		args map[string]any
	}{
		{"players/get", map[string]any{"player_id": hall}},
		{"player_queues/get", map[string]any{"queue_id": hall}},
		{"config/players/get", map[string]any{"player_id": hall}},
		{"players/cmd/pause", map[string]any{"player_id": hall}},
		{"players/cmd/stop", map[string]any{"player_id": hall}},
		{"players/cmd/volume_set", map[string]any{"player_id": hall, "volume_level": 90}},
		{"players/cmd/seek", map[string]any{"player_id": hall, "position": 30}},
		{"player_queues/play_media", map[string]any{"queue_id": hall, "media": "library://track/1"}},
		{"player_queues/next", map[string]any{"queue_id": hall}},
		{"player_queues/clear", map[string]any{"queue_id": hall}},
	} {
		_, err := c.Call(ctx, cmd.name, cmd.args)
		var se *client.Error
		if !errors.As(err, &se) || !strings.Contains(strings.ToLower(se.Details), "not found") {
			t.Errorf("%s on the filtered speaker over remote access: %v", cmd.name, err)
		}
	}
	if state, attrs := p.hall.State(); state != "playing" || attrs["volume_level"] != 0.2 || len(p.hall.Fetches()) != 1 {
		t.Fatalf("the filtered speaker was touched: %s %v, %d fetches", state, attrs, len(p.hall.Fetches()))
	}

	// The hall's stream URL: genuine on the LAN, not served through remote access.
	u, err := url.Parse(hallURL)
	if err != nil || !strings.HasPrefix(u.Path, players.StreamPath) {
		t.Fatalf("stream URL %q", hallURL)
	}
	if resp, err := http.Get(hallURL); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the URL on the LAN: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if resp, err := c.HTTPGet(ctx, "GET", u.RequestURI(), nil); err != nil || resp.Status != http.StatusNotFound {
		t.Fatalf("the stream URL through the http_proxy channel: %+v %v", resp, err)
	}

	// From here on the connection is in tunnel mode: every message comes raw.
	raw := c.Raw()
	req, _ := json.Marshal(peer.ProxyRequest{Type: "http-proxy-request", ID: "hex1", Method: "GET", Path: u.RequestURI()})
	if err := c.Send(req); err != nil {
		t.Fatal(err)
	}
	var hexResp peer.ProxyResponse
	if err := json.Unmarshal(rawUntil(t, raw, `"type":"http-proxy-response"`), &hexResp); err != nil || hexResp.Status != http.StatusNotFound {
		t.Fatalf("the stream URL through the API channel's proxy: %+v %v", hexResp, err)
	}

	// Events: a change of the hall reaches the admin's sessions only. The kitchen's
	// change, published after it on the same session, shows the session was listening.
	p.adminCall(t, ctx, "players/cmd/volume_set", map[string]any{"player_id": hall, "volume_level": 50})
	p.hall.WaitFor(t, ctx, "hall volume", func(_ string, a map[string]any, _ []hasstest.Fetch) bool { return a["volume_level"] == 0.5 })
	p.adminCall(t, ctx, "players/cmd/volume_set", map[string]any{"player_id": "media_player.kitchen", "volume_level": 50})
	for seenKitchen := false; !seenKitchen; {
		var ev struct {
			Event    string          `json:"event"`
			ObjectID string          `json:"object_id"`
			Data     json.RawMessage `json:"data"`
		}
		msg := rawUntil(t, raw, `"event"`)
		if err := json.Unmarshal(msg, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ObjectID == hall || strings.Contains(string(ev.Data), hall) {
			t.Fatalf("the limited user got %s of the filtered speaker: %s", ev.Event, ev.Data)
		}
		seenKitchen = ev.Event == "player_updated" && ev.ObjectID == "media_player.kitchen" && strings.Contains(string(ev.Data), `"volume_level":50`)
	}
}

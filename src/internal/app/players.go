package app

import (
	"context"
	"fmt"
	"io"
	"net"

	"segue/internal/auth"
	"segue/internal/feature"
	"segue/internal/haaddon"
	"segue/internal/hass"
	"segue/internal/music"
	"segue/internal/players"
	"segue/internal/subsonic"
)

// playersModule makes Home Assistant's media players MA players. In the add-on it
// follows them over the Supervisor's Core websocket (the one HA Cloud uses);
// outside it, with homeassistant-url and homeassistant-token, over its own
// connection; with neither, the registry stays empty. Speakers stream through the
// Subsonic stream's transcoder, so both share one ffmpeg limit.
func (a *App) playersModule(ctx context.Context, rnd io.Reader, tracks *music.Module, audio *subsonic.Transcoder) (feature.Module, error) {
	cfg := a.Cfg
	l := a.Log.WithField("component", "players")
	var core *hass.Client
	var background []func(context.Context) error
	switch {
	case a.hass != nil:
		core = a.hass.Core
	case cfg.HomeAssistantToken != "":
		base := cfg.HomeAssistantURL
		if base == "" {
			base = haaddon.DefaultCoreURL
		}
		wsURL, err := hass.CoreWebsocketURL(base)
		if err != nil {
			return feature.Module{}, fmt.Errorf("option homeassistant-url: %w", err)
		}
		if core, err = hass.NewClient(hass.ClientOptions{URL: wsURL, Token: cfg.HomeAssistantToken, Logger: l}); err != nil {
			return feature.Module{}, err
		}
		background = append(background, core.Run)
	}
	deps := players.Deps{DB: a.DB, Clock: a.Clock, Log: l, Publish: a.API.PublishTo, DataDir: cfg.DataDir, Rand: rnd,
		StreamBase: a.speakerBaseURL, Throttle: a.Throttle, Open: a.Library.OpenTrack, Audio: audio,
		Tracks: func(ctx context.Context, p *auth.Principal, uris []string) ([]players.Track, error) {
			found, err := tracks.QueueTracks(ctx, p, uris)
			if err != nil {
				return nil, err
			}
			out := make([]players.Track, len(found))
			for i, t := range found {
				out[i] = players.Track{ID: t.TrackID, Name: t.Name, Title: t.Title, Artist: t.Artist, Album: t.Album,
					Duration: t.Duration, Suffix: t.Suffix, SampleRate: t.SampleRate, BitDepth: t.BitDepth, Channels: t.Channels, ImagePath: t.ImagePath, URI: t.MediaItem.URI, MediaItem: t.MediaItem, Image: t.Image}
			}
			return out, nil
		}}
	if core != nil {
		deps.Speakers = speakers{core}
	}
	reg, err := players.NewRegistry(ctx, deps)
	if err != nil {
		return feature.Module{}, err
	}
	m := reg.Module()
	if core != nil {
		m.Background = append(append(m.Background, background...),
			func(ctx context.Context) error { return hass.WatchMediaPlayers(ctx, core, reg, a.Clock, l) })
	}
	return m, nil
}

// speakers runs media_player services over the HA connection.
type speakers struct{ c *hass.Client }

func (s speakers) Call(ctx context.Context, entityID, service string, data map[string]any) error {
	return hass.CallMediaPlayer(ctx, s.c, entityID, service, data)
}

// speakerBaseURL is where speakers fetch streams: internal_url, else the public
// listener's port on this host's LAN address (the add-on runs on the host network).
func (a *App) speakerBaseURL() string {
	if a.Cfg.InternalURL != "" {
		return a.Cfg.InternalURL
	}
	host, port, err := net.SplitHostPort(a.PublicAddr())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = lanAddress()
	}
	return "http://" + net.JoinHostPort(host, port)
}

// lanAddress is the address this host uses towards the LAN: the source address of a
// route to a documentation address (connecting a UDP socket sends nothing).
func lanAddress() string {
	c, err := net.Dial("udp4", "192.0.2.1:9")
	if err != nil {
		return "127.0.0.1"
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).IP.String()
}

package app

import (
	"context"
	"fmt"

	"github.com/sirupsen/logrus"

	"segue/internal/api"
	"segue/internal/clock"
	"segue/internal/config"
	"segue/internal/feature"
	"segue/internal/hass"
	"segue/internal/players"
	"segue/internal/store"
)

// playersModule makes Home Assistant's media players MA players. In the add-on it
// follows them over the Supervisor's Core websocket (the one HA Cloud uses);
// outside it, with homeassistant-url and homeassistant-token, over its own
// connection; with neither, the registry stays empty.
func playersModule(ctx context.Context, cfg config.Config, log *logrus.Logger, clk clock.Clock, db *store.DB,
	apiSrv *api.Server, h *HassParts) (feature.Module, error) {
	l := log.WithField("component", "players")
	reg, err := players.NewRegistry(ctx, players.Deps{DB: db, Clock: clk, Log: l, Publish: apiSrv.PublishTo})
	if err != nil {
		return feature.Module{}, err
	}
	m := feature.Module{Name: "players", Commands: reg.Commands()}
	var core *hass.Client
	switch {
	case h != nil:
		core = h.Core
	case cfg.HomeAssistantToken != "":
		base := cfg.HomeAssistantURL
		if base == "" {
			base = DefaultHomeAssistantURL
		}
		wsURL, err := hass.CoreWebsocketURL(base)
		if err != nil {
			return feature.Module{}, fmt.Errorf("option homeassistant-url: %w", err)
		}
		if core, err = hass.NewClient(hass.ClientOptions{URL: wsURL, Token: cfg.HomeAssistantToken, Logger: l}); err != nil {
			return feature.Module{}, err
		}
		m.Background = append(m.Background, core.Run)
	default:
		return m, nil
	}
	m.Background = append(m.Background, func(ctx context.Context) error { return hass.WatchMediaPlayers(ctx, core, reg, l) })
	return m, nil
}

package app

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"

	"segue/internal/backoff"
	"segue/internal/clock"
	"segue/internal/hass"
)

// addonPublicPort is the container port config.yaml publishes (ports: 8095/tcp); the
// user maps it to another host port, or to none, in the add-on's Network card.
const (
	addonPublicPort      = "8095/tcp"
	defaultAddonInfoWait = 20 * time.Second
)

// listenPlan is where the listeners bind; an empty address means "no listener".
type listenPlan struct {
	public, ingress string
}

// addonListenPlan asks the Supervisor which ports to use. The add-on has host
// networking, so the Supervisor cannot remap a port itself: it tells the add-on the
// host port the user chose for 8095/tcp (and probes that port for the watchdog) and the
// ingress port it assigned (ingress_port: 0 in config.yaml, so Segue and the official
// Music Assistant add-on, which uses 8094, can both run). The configured addresses give
// the hosts and the fallback ports when the Supervisor cannot answer.
func (a *App) addonListenPlan(ctx context.Context) listenPlan {
	plan := listenPlan{public: a.Cfg.PublicAddr, ingress: a.Cfg.IngressAddr}
	if !a.Cfg.PortsFromSupervisor || a.hass == nil {
		return plan
	}
	log := a.Log.WithField("component", "hass")
	wait := a.opts.Hass.AddonInfoWait
	if wait <= 0 {
		wait = defaultAddonInfoWait
	}
	info, err := fetchAddonInfo(ctx, a.Clock, a.hass.Supervisor, wait)
	if err != nil {
		log.WithError(err).WithFields(logrus.Fields{"public": plan.public, "ingress": plan.ingress}).
			Warn("supervisor: cannot read the add-on's ports; using the defaults (the sidebar panel may not load)")
		return plan
	}
	log.WithFields(logrus.Fields{"slug": info.Slug, "version": info.Version, "ingress_port": info.IngressPort,
		"host_network": info.HostNetwork}).Info("running as a Home Assistant add-on")
	return planFromAddonInfo(plan, info, log)
}

// planFromAddonInfo applies the Supervisor's answer to the fallback plan.
func planFromAddonInfo(plan listenPlan, info hass.AddonInfo, log logrus.FieldLogger) listenPlan {
	switch port, mapped := info.Network[addonPublicPort]; {
	case !mapped:
		log.WithField("port", portOf(plan.public)).Info("public port: the Supervisor reports no mapping for 8095/tcp; using the default")
	case port == nil:
		log.Warn("public port: disabled in the add-on's Network settings; the public listener is off " +
			"(only the sidebar panel works; the Watchdog probes port 8095 and finds nothing: leave it off)")
		plan.public = ""
	default:
		plan.public = withPort(plan.public, *port)
		log.WithField("port", *port).Info("public port: set in the add-on's Network settings")
	}
	if info.IngressPort > 0 && plan.ingress != "" {
		plan.ingress = withPort(plan.ingress, info.IngressPort)
	} else if plan.ingress != "" {
		log.WithField("port", portOf(plan.ingress)).Warn("ingress port: the Supervisor reports none; using the default (the sidebar panel may not load)")
	}
	return plan
}

// fetchAddonInfo retries for up to wait: the Supervisor starts the add-on, so it
// answers, but a busy Supervisor (a backup, an update) can be slow. Each request
// is bounded by the Supervisor client's own timeout.
func fetchAddonInfo(ctx context.Context, clk clock.Clock, sup *hass.SupervisorClient, wait time.Duration) (hass.AddonInfo, error) {
	giveUp := clk.Now().Add(wait)
	retry := backoff.Backoff{Min: 250 * time.Millisecond, Max: 4 * time.Second}
	for {
		info, err := sup.AddonSelfInfo(ctx)
		if err == nil {
			return info, nil
		}
		left := giveUp.Sub(clk.Now())
		if left <= 0 || clock.Sleep(ctx, clk, min(retry.Next(), left)) != nil {
			return info, err
		}
	}
}

func withPort(addr string, port int) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = ""
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

func portOf(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

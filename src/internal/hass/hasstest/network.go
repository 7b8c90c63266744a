package hasstest

import (
	"fmt"
	"regexp"
	"strconv"
)

// The Supervisor's dynamic ingress port range (INGRESS_DYNAMIC_PORT_MIN/MAX).
const (
	DynamicIngressPortMin = 62000
	DynamicIngressPortMax = 65500
)

// HassioGateway is the hassio bridge's gateway: the address the Supervisor uses for a
// host-network add-on (DockerApp.ip_address), so the watchdog probes it.
const HassioGateway = "172.30.32.1"

// SetNetworkPort sets what the user chose for containerPort ("8095/tcp") in the add-on's
// Network card: a host port, or nil for "disabled" (the Supervisor stores null).
func (s *Supervisor) SetNetworkPort(containerPort string, hostPort *int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	network, _ := s.addonInfo["network"].(map[string]any)
	next := map[string]any{}
	for k, v := range network {
		next[k] = v
	}
	if hostPort == nil {
		next[containerPort] = nil
	} else {
		next[containerPort] = *hostPort
	}
	s.addonInfo["network"] = next
}

// SetIngressPort replaces the assigned ingress port (tests pick a free one).
func (s *Supervisor) SetIngressPort(port int) {
	s.mu.Lock()
	s.opts.IngressPort = port
	s.addonInfo["ingress_port"] = port
	s.mu.Unlock()
}

// IngressPort is the ingress port /addons/self/info reports.
func (s *Supervisor) IngressPort() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.IngressPort
}

// watchdogPattern is the Supervisor's RE_WATCHDOG.
var watchdogPattern = regexp.MustCompile(`^(?:(https?|tcp)|\[PROTO:(\w+)\])://\[HOST\]:(?:\[PORT:)?(\d+)\]?(.*)$`)

// WatchdogURL is what the Supervisor's watchdog (App.watchdog_application) probes for
// config.yaml's watchdog value: for a host-network add-on, [PORT:n] becomes the host
// port the user set for n/tcp, or n itself when that is unset or disabled (null), and
// the host is the hassio gateway; otherwise the add-on's own IP and n. [PROTO:option] is https when that option is true.
func (s *Supervisor) WatchdogURL(watchdog string) (string, error) {
	m := watchdogPattern.FindStringSubmatch(watchdog)
	if m == nil {
		return "", fmt.Errorf("watchdog %q does not match the Supervisor's pattern", watchdog)
	}
	scheme, protoOption, port, suffix := m[1], m[2], m[3], m[4]
	s.mu.Lock()
	defer s.mu.Unlock()
	host, _ := s.addonInfo["ip_address"].(string)
	if hostNetwork, _ := s.addonInfo["host_network"].(bool); hostNetwork {
		host = HassioGateway
		network, _ := s.addonInfo["network"].(map[string]any)
		if p, ok := network[port+"/tcp"].(int); ok {
			port = strconv.Itoa(p)
		}
	}
	if protoOption != "" {
		scheme = "http"
		if on, _ := s.options[protoOption].(bool); on {
			scheme = "https"
		}
	}
	return scheme + "://" + host + ":" + port + suffix, nil
}

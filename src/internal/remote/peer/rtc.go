package peer

import (
	"io"
	"strings"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/sirupsen/logrus"
)

// MaxMessageSize is the SCTP message limit we advertise and accept (Chrome's usrsctp
// limit); larger application messages are chunked.
const MaxMessageSize = 256 * 1024

// RTCOptions tune the one pion API of the process.
type RTCOptions struct {
	// Loopback allows 127.0.0.1 host candidates and keeps pion on "lo" only (tests).
	Loopback bool
	// DisconnectedTimeout, FailedTimeout, KeepAlive: ICE timers (defaults 5 s, 15 s, 2 s).
	DisconnectedTimeout, FailedTimeout, KeepAlive time.Duration
	// Log receives pion's warnings and errors at debug level (default: discarded).
	Log logrus.FieldLogger
}

// excludedInterface reports interfaces whose addresses must not be offered: container
// bridges (docker, hassio) and veth pairs would leak internal 172.30.x addresses.
func excludedInterface(name string) bool {
	for _, p := range []string{"docker", "hassio", "veth", "br-", "virbr", "lo"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// NewRTCAPI builds the pion API once per process (detached channels, no mDNS, filtered
// interfaces, bounded message size).
func NewRTCAPI(o RTCOptions) *webrtc.API {
	if o.DisconnectedTimeout == 0 {
		o.DisconnectedTimeout = 5 * time.Second
	}
	if o.FailedTimeout == 0 {
		o.FailedTimeout = 15 * time.Second
	}
	if o.KeepAlive == 0 {
		o.KeepAlive = 2 * time.Second
	}
	var se webrtc.SettingEngine
	if o.Log == nil {
		quiet := logrus.New()
		quiet.SetOutput(io.Discard)
		o.Log = quiet
	}
	se.LoggerFactory = pionLogs{o.Log}
	se.DetachDataChannels()
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	se.SetICETimeouts(o.DisconnectedTimeout, o.FailedTimeout, o.KeepAlive)
	se.SetSCTPMaxMessageSize(MaxMessageSize)
	if o.Loopback {
		se.SetIncludeLoopbackCandidate(true)
		se.SetInterfaceFilter(func(n string) bool { return n == "lo" })
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	} else {
		se.SetInterfaceFilter(func(n string) bool { return !excludedInterface(n) })
	}
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
}

// Package peer is what both ends of a remote-access WebRTC connection share: the
// gateway (internal/remote) and the remote client (internal/remote/client). It holds
// the remote ID (parse, format, the fingerprint bytes it names) and the pin that
// checks an answer's DTLS certificate against it, the one pion API setup, ICE server
// lists, trickle ICE (Trickle), the data-channel labels, MA's chunking of large
// messages and the http_proxy wire types. It knows nothing of either end, so the
// client never imports the gateway.
package peer

// DefaultSignalingURL is Music Assistant's public signaling server.
const DefaultSignalingURL = "wss://signaling.music-assistant.io/ws"

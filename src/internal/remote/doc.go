// Package remote is Segue's remote access: a WebRTC gateway (pion) that registers with
// a Music Assistant compatible signaling server under a remote ID derived from its
// persistent DTLS certificate, answers client offers with trickle ICE, and bridges the
// client's API data channel in-process to the command API as a webrtc principal.
//
// The pieces, one idea per file:
//
//	identity.go               the DTLS certificate and the remote ID it pins
//	gateway.go                configuration and limits
//	signaling_loop.go         the signaling connection, reconnects, dispatch
//	admission.go              session limits (concurrent, per minute)
//	session.go                one client: peer connection, deadlines
//	channels.go, link.go      data channel roles, reading and backpressured writing
//	bridge.go                 the API channel as an api.Conn
//	proxy.go                  HTTP over the data channel, in-process and locked down
//	controller*.go, commands.go  off|on|auto, HA Cloud, remote_access/* commands
//
// The client side (pairing, pin check, calls, proxy, tunnel, CLI) is in ./client.
// What both sides share is in ./peer: the remote ID and the pin check of an answer
// SDP, the one pion API of the process, trickle ICE, channel labels, the 64 KiB
// __chunk__ framing and the http_proxy messages; the client imports that, never this
// package.
package remote

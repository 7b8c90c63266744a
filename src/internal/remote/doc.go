// Package remote is Segue's remote access: a WebRTC gateway (pion) that registers with
// a Music Assistant compatible signaling server under a remote ID derived from its
// persistent DTLS certificate, answers client offers with trickle ICE, and bridges the
// client's API data channel in-process to the command API as a webrtc principal.
//
// The pieces, one idea per file:
//
//	identity.go, remoteid.go  the DTLS certificate and the remote ID it pins
//	fingerprint.go            the client-side pin check of an answer SDP
//	rtc.go, rtclog.go         the one pion API of the process
//	gateway.go                configuration and limits
//	signaling_loop.go         the signaling connection, reconnects, dispatch
//	admission.go              session limits (concurrent, per minute)
//	session.go                one client: peer connection, trickle ICE, deadlines
//	channels.go, link.go      data channel roles, reading and backpressured writing
//	bridge.go                 the API channel as an api.Conn
//	chunk.go                  64 KiB __chunk__ framing
//	proxy.go                  HTTP over the data channel, in-process and locked down
//	controller*.go, commands.go  off|on|auto, HA Cloud, remote_access/* commands
//
// The client side (pairing, pin check, calls, proxy, tunnel, CLI) is in ./client.
package remote

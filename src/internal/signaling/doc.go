// Package signaling is Segue's Music Assistant-compatible signaling server and the
// transport-only client library that the remote-access gateway and the remote client
// build on. Nothing here touches WebRTC itself: SDP and candidates pass through as JSON.
//
// # Protocol (ma-protocol.md §4.3)
//
// Every frame is a JSON object with "type". A gateway sends register-server {remoteId,
// iceServers}; the server upper-cases the ID, answers registered, and when another socket
// registers the same ID it closes the old one with 4000 "Replaced by new connection". A
// client sends connect-request {remoteId}; the server picks a 16-character session id,
// sends client-connected {sessionId} to the gateway and holds the client until the
// gateway's session-ready {sessionId, iceServers} (or, after SessionReadyTimeout = 10 s,
// the ICE servers cached from register-server), then sends the client connected
// {remoteId, sessionId, iceServers}. offer / ice-candidate from the client reach the
// gateway with the server's sessionId; answer / ice-candidate from the gateway reach only
// the client of that session. client-disconnected tells a gateway its client left;
// peer-disconnected tells a client its gateway left. ping → pong. Unknown types get
// "Unknown message type: <t>".
//
// Ownership (ours, inside MA's messages): registered carries data {challenge}; a gateway
// that holds the remote ID's DTLS key answers with a second register-server whose data
// is {certificate, signature} (ProveOwnership). A proven registration is never displaced
// by an unproven one; MA's gateways ignore the challenge and register as before while
// no proven registration holds their ID (ownership.go).
//
// # Server
//
//	cfg := signaling.Config{Addr: "0.0.0.0:8787", RedisURL: ""}
//	err := signaling.Run(ctx, cfg, log)       // serves /ws, /health, /api/check/<id> until ctx ends
//	srv, err := signaling.NewServer(ctx, cfg, log) // an http.Handler, for tests and embedding
//	defer srv.Close()
//
// Limits: frames over MaxMessageBytes (64 KiB) close the socket with 1009; 100 messages
// per IP per minute (ping/pong exempt), then an exponential block of 60 s·2^(n−1) up to
// 1 h; 10 unknown remote IDs per IP per minute close the socket with 4008 and block the
// IP; a socket refused at connect time is closed with 4029; each socket has a bounded
// send queue (256 frames / 1 MiB; a reader too slow to drain it is dropped with 1008);
// a gateway holds at most MaxSessionsPerGateway (32) sessions, at most
// MaxSessionsPerClientIP (8) of them from one client address, and a socket holds one
// session at a time; protocol pings and JSON pings every 30 s, and a socket that leaves
// a ping unanswered for a period plus the write timeout is closed (wsx.Keepalive on
// Config.Clock). The client IP is the TCP peer, or the last
// X-Forwarded-For entry when TrustForwardedFor is set.
//
// Cluster: with RedisURL, each node keeps its own sockets and publishes registrations
// as "<prefix>gw:<ID>" = "<node>.<serial>" with a TTL it refreshes; events for a session
// whose other end lives on another node travel over that node's channel
// "<prefix>node:<node>". A registration replaced from another node still closes the old
// socket with 4000.
//
// # Client library
//
// The remote-access gateway (internal/remote) registers through KeepRegistered, and the
// remote client (internal/remote/client) opens its session with Connect:
//
//	err := signaling.KeepRegistered(ctx, url, remoteID, signaling.KeepOptions{
//	    ICEServers: fresh,  // the list sent with every register-server
//	    OnDown:     logIt,  // each lost connection, with the wait before the next try
//	}, func(ctx context.Context, g *signaling.Gateway) {
//	    g.Registered()     // the registered answer (an ownership challenge from `segue signaling`)
//	    for {
//	        m, err := g.Recv(ctx) // client-connected, offer, ice-candidate, client-disconnected, error
//	        ...                    // answer with g.Send (session-ready, answer, ice-candidate)
//	    }
//	})
//
// It re-registers after DefaultBackoff (internal/backoff; 10 s doubling to 300 s) when the
// socket is lost, and waits the maximum after a 4000 takeover (IsReplaced) instead of
// giving up. Conn keeps the socket alive with protocol pings, bounds every frame, absorbs
// JSON pongs, answers JSON pings in order (Recv) and reports the close code.
//
// The client role: Connect dials and sends connect-request, and returns once the
// server answered connected (an unknown ID matches ErrServerNotFound). The Client
// then sends its Offer and trickles each Candidate; Recv brings the answer, the
// gateway's candidates, peer-disconnected and errors. Request opens a new session on
// the same socket after peer-disconnected.
//
// Message.SessionDescription and Message.ICECandidate decode the data of relayed
// messages; DecodeMessage is the bounded decoder both sides use.
package signaling

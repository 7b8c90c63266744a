package signaling

import (
	"os"
	"path/filepath"
	"regexp"
	"segue/internal/testutil"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if testutil.Updating() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s moved.\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

var challengeRE = regexp.MustCompile(`"challenge":"[^"]*"`)

// transcript records every frame exactly as it crossed the wire, with the random
// session id replaced by <SID> and the random ownership challenge by <NONCE>.
type transcript struct {
	b   strings.Builder
	sid string
}

func (tr *transcript) line(who, dir string, raw []byte) {
	s := string(raw)
	if tr.sid != "" {
		s = strings.ReplaceAll(s, tr.sid, "<SID>")
	}
	s = challengeRE.ReplaceAllString(s, `"challenge":"<NONCE>"`)
	tr.b.WriteString(who + " " + dir + " " + s + "\n")
}

func (tr *transcript) send(w *wsc, who, frame string) {
	w.t.Helper()
	tr.line(who, ">", []byte(frame))
	w.sendRaw(frame)
}

// recv reads the next non-ping frame and records its raw bytes.
func (tr *transcript) recv(w *wsc, who string) Message {
	w.t.Helper()
	for {
		w.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := w.c.ReadMessage()
		if err != nil {
			w.t.Fatalf("%s read: %v", who, err)
		}
		m, err := DecodeMessage(b, 0)
		if err != nil {
			w.t.Fatalf("%s got %q: %v", who, b, err)
		}
		if m.Type == TypePing {
			continue
		}
		if m.Type == TypeClientConnected && tr.sid == "" {
			tr.sid = m.SessionID
		}
		tr.line(who, "<", b)
		return m
	}
}

func (tr *transcript) closed(w *wsc, who string) {
	w.t.Helper()
	code := readUntilClose(w.c)
	tr.b.WriteString(who + " closed " + strconv.Itoa(code) + "\n")
}

// TestSignalingFramesGolden runs one scripted life of a session through the server and
// pins every frame byte for byte (testdata/session.golden): registration, pairing,
// offer/answer/candidates both ways, errors, keepalive, replacement and departure.
func TestSignalingFramesGolden(t *testing.T) {
	ts := startServer(t, testConfig())
	var tr transcript
	g := dialAs(t, ts.wsURL, "10.0.0.1")
	c := dialAs(t, ts.wsURL, "10.0.0.2")
	x := dialAs(t, ts.wsURL, "10.0.0.3")

	tr.send(g, "gateway", `{"type":"register-server","remoteId":"`+strings.ToLower(testRID)+`","iceServers":[{"urls":"stun:stun.example:3478"}]}`)
	tr.recv(g, "gateway")
	tr.send(x, "other", `{"type":"connect-request","remoteId":"NOPE"}`)
	tr.recv(x, "other")
	tr.send(c, "client", `{"type":"connect-request","remoteId":"`+testRID+`"}`)
	tr.recv(g, "gateway")
	tr.send(g, "gateway", `{"type":"session-ready","sessionId":"`+tr.sid+`","iceServers":[{"urls":["turn:turn.example:3478?transport=udp"],"username":"u","credential":"c"}]}`)
	tr.recv(c, "client")
	tr.send(c, "client", `{"type":"offer","remoteId":"`+testRID+`","sessionId":"`+tr.sid+`","data":{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}}`)
	tr.recv(g, "gateway")
	tr.send(c, "client", `{"type":"ice-candidate","remoteId":"`+testRID+`","sessionId":"`+tr.sid+`","data":{"candidate":"candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abcd"}}`)
	tr.recv(g, "gateway")
	tr.send(g, "gateway", `{"type":"answer","sessionId":"`+tr.sid+`","data":{"type":"answer","sdp":"v=0\r\na=fingerprint:sha-256 AA:BB\r\n"}}`)
	tr.recv(c, "client")
	tr.send(g, "gateway", `{"type":"ice-candidate","sessionId":"`+tr.sid+`","data":{"candidate":"candidate:2 1 udp 2122260223 127.0.0.1 6000 typ host","sdpMid":"0","sdpMLineIndex":0}}`)
	tr.recv(c, "client")
	tr.send(g, "gateway", `{"type":"answer","sessionId":"AAAAAAAAAAAAAAAA","data":{"type":"answer","sdp":"x"}}`)
	tr.recv(g, "gateway")
	tr.send(c, "client", `{"type":"bogus"}`)
	tr.recv(c, "client")
	tr.send(c, "client", `{"type":`)
	tr.recv(c, "client")
	tr.send(c, "client", `{"type":"ping"}`)
	tr.recv(c, "client")
	tr.send(g, "gateway", `{"type":"register-server","remoteId":"`+testRID+`","iceServers":[]}`)
	tr.recv(g, "gateway")

	// The client leaves: the gateway hears client-disconnected.
	c.c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	tr.b.WriteString("client closes\n")
	tr.recv(g, "gateway")

	// A second client pairs, then a second gateway socket takes the ID over: the old
	// gateway is closed with 4000 and the client hears peer-disconnected.
	c2 := dialAs(t, ts.wsURL, "10.0.0.4")
	tr.sid = ""
	tr.send(c2, "client2", `{"type":"connect-request","remoteId":"`+testRID+`"}`)
	tr.recv(g, "gateway")
	tr.send(g, "gateway", `{"type":"session-ready","sessionId":"`+tr.sid+`"}`)
	tr.recv(c2, "client2")
	g2 := dialAs(t, ts.wsURL, "10.0.0.5")
	tr.send(g2, "gateway2", `{"type":"register-server","remoteId":"`+testRID+`"}`)
	tr.recv(g2, "gateway2")
	tr.closed(g, "gateway")
	tr.recv(c2, "client2")

	golden(t, "session.golden", tr.b.String())
}

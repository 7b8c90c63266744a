package remote_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"segue/internal/remote"
	"segue/internal/remote/client"
	"segue/internal/testutil"
)

// tap is a WebSocket relay in front of the real signaling server that records every
// frame each side sends, so a golden file pins what our gateway and client put on
// the wire.
type tap struct {
	upstream string
	srv      *httptest.Server
	mu       sync.Mutex
	frames   map[string]bool // "<role> <dir> <normalised frame>"
}

func newTap(t *testing.T, upstream string) *tap {
	tp := &tap{upstream: upstream, frames: map[string]bool{}}
	var up websocket.Upgrader
	tp.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer in.Close()
		out, _, err := websocket.DefaultDialer.Dial(tp.upstream, nil)
		if err != nil {
			return
		}
		defer out.Close()
		role := new(string)
		var rmu sync.Mutex
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				mt, b, err := out.ReadMessage()
				if err != nil {
					in.Close()
					return
				}
				rmu.Lock()
				tp.record(*role, "<", b)
				rmu.Unlock()
				_ = in.WriteMessage(mt, b)
			}
		}()
		for {
			mt, b, err := in.ReadMessage()
			if err != nil {
				out.Close()
				<-done
				return
			}
			rmu.Lock()
			if *role == "" {
				*role = "client"
				if strings.Contains(string(b), `"register-server"`) {
					*role = "gateway"
				}
			}
			tp.record(*role, ">", b)
			rmu.Unlock()
			_ = out.WriteMessage(mt, b)
		}
	}))
	t.Cleanup(tp.srv.Close)
	return tp
}

func (tp *tap) URL() string { return "ws" + strings.TrimPrefix(tp.srv.URL, "http") + "/ws" }

var wireMasks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"sdp":"(?:[^"\\]|\\.)*"`), `"sdp":"<SDP>"`},
	{regexp.MustCompile(`"candidate":"(?:[^"\\]|\\.)*"`), `"candidate":"<CANDIDATE>"`},
	{regexp.MustCompile(`"usernameFragment":"(?:[^"\\]|\\.)*"`), `"usernameFragment":"<UFRAG>"`},
	{regexp.MustCompile(`"sessionId":"[A-Za-z0-9_-]*"`), `"sessionId":"<SID>"`},
	{regexp.MustCompile(`"remoteId":"[A-Z0-9_-]*"`), `"remoteId":"<RID>"`},
	{regexp.MustCompile(`"sdpMLineIndex":[0-9]+`), `"sdpMLineIndex":<N>`},
	{regexp.MustCompile(`"sdpMid":"[^"]*"`), `"sdpMid":"<MID>"`},
	{regexp.MustCompile(`"(challenge|certificate|signature)":"[^"]*"`), `"$1":"<B64>"`},
}

func (tp *tap) record(role, dir string, b []byte) {
	s := string(b)
	if strings.HasSuffix(s, "\n") { // gorilla's WriteJSON ends frames with a newline
		s = strings.TrimSuffix(s, "\n") + " <LF>"
	}
	for _, m := range wireMasks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	tp.mu.Lock()
	tp.frames[role+" "+dir+" "+s] = true
	tp.mu.Unlock()
}

func (tp *tap) lines() string {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	out := make([]string, 0, len(tp.frames))
	for l := range tp.frames {
		if strings.Contains(l, `{"type":"ping"}`) || strings.Contains(l, `{"type":"pong"}`) {
			continue // keepalive timing is not part of the script
		}
		out = append(out, l)
	}
	sort.Strings(out)
	return strings.Join(out, "\n") + "\n"
}

func goldenFile(t *testing.T, name, got string) {
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

// TestSignalingWireGolden pairs our client with our gateway through the real
// signaling server and pins the distinct frames each of them sends and receives
// (SDP, candidates and ids masked; testdata/wire.golden).
func TestSignalingWireGolden(t *testing.T) {
	sig := startSignaling(t, "")
	tp := newTap(t, sig.URL())
	h := newHarness(t, func(c *remote.GatewayConfig) { c.SignalingURL = tp.URL() })
	cfg := h.clientConfig()
	cfg.SignalingURL = tp.URL()
	c, err := client.Dial(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(ctxT(t), "good-token"); err != nil {
		t.Fatal(err)
	}
	goldenFile(t, "wire.golden", tp.lines())
}

// Command segue-bench holds the baselines and the WebSocket load driver that
// scripts/bench.sh runs beside the real server. It is a measuring tool, not part
// of the product.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: segue-bench plain-http|gorilla-echo|ws-load|ws-idle|login-burst|http-load|gen-library|probe [flags]")
		os.Exit(2)
	}
	if runMediaCommand(os.Args[1], os.Args[2:]) || runSocketCommand(os.Args[1], os.Args[2:]) {
		return
	}
	if os.Args[1] == "http-load" {
		httpLoad(os.Args[2:])
		return
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:18100", "listen address (servers)")
	url := fs.String("url", "", "ws:// URL (ws-load)")
	token := fs.String("token", "", "bearer token to send as auth (ws-load against segue)")
	conns := fs.Int("conns", 50, "connections (ws-load)")
	duration := fs.Duration("duration", 10*time.Second, "how long to load (ws-load)")
	_ = fs.Parse(os.Args[2:])
	switch os.Args[1] {
	case "plain-http":
		plainHTTP(*addr)
	case "gorilla-echo":
		gorillaEcho(*addr)
	case "ws-load":
		wsLoad(*url, *token, *conns, *duration)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}

// plainHTTP is the baseline for POST /api: read the body, answer a small JSON object.
func plainHTTP(addr string) {
	body := []byte(`{"server_id":"0123456789abcdef","server_version":"0.1.0","schema_version":49}`)
	http.HandleFunc("POST /api", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	http.HandleFunc("GET /rest/ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte(`<subsonic-response status="ok" version="1.16.1"/>`))
	})
	fmt.Fprintln(os.Stderr, http.ListenAndServe(addr, nil))
}

// gorillaEcho is the baseline for WebSocket round trips: echo every text message.
func gorillaEcho(addr string) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	http.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.WriteMessage(websocket.TextMessage, []byte(`{"server_id":"echo"}`))
		for {
			t, m, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(t, m); err != nil {
				return
			}
		}
	})
	fmt.Fprintln(os.Stderr, http.ListenAndServe(addr, nil))
}

// wsLoad keeps conns connections each doing one command round trip at a time,
// and prints round trips per second and latency percentiles.
func wsLoad(url, token string, conns int, duration time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var total atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial:", err)
			os.Exit(1)
		}
		_, _, _ = c.ReadMessage() // ServerInfo
		if token != "" {
			_ = c.WriteJSON(map[string]any{"message_id": "a", "command": "auth", "args": map[string]string{"token": token}})
			_, m, err := c.ReadMessage()
			if err != nil || !strings.Contains(string(m), `"authenticated":true`) {
				fmt.Fprintln(os.Stderr, "auth failed:", string(m), err)
				os.Exit(1)
			}
		}
		wg.Add(1)
		go func(c *websocket.Conn) {
			defer wg.Done()
			defer c.Close()
			var local []time.Duration
			for n := 0; ctx.Err() == nil; n++ {
				msg, _ := json.Marshal(map[string]any{"message_id": fmt.Sprint(n), "command": "time"})
				start := time.Now()
				if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
					return
				}
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
				local = append(local, time.Since(start))
				total.Add(1)
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(float64(len(lat)-1)*p)]
	}
	fmt.Printf("round_trips_per_sec=%.0f p50=%v p99=%v\n", float64(total.Load())/duration.Seconds(), pct(0.5), pct(0.99))
}

package client

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"segue/internal/remote/peer"

	"github.com/gorilla/websocket"
	"github.com/sirupsen/logrus"
)

const cliUsage = `Usage: segue remote [--signaling-url URL] --remote-id ID <command> [flags]

Commands:
  login --username NAME [--password PW]   sign in; prints a token (password also from $SEGUE_PASSWORD)
  call COMMAND [JSON-ARGS] --token TOKEN   run one API command; prints the result (token also from $SEGUE_TOKEN)
  get PATH                                 fetch PATH from the server's web side through the http_proxy
                                           channel (as the apps load covers); the body goes to stdout
  tunnel --listen 127.0.0.1:PORT           serve a local /ws that reaches the remote server's API
  id                                       print the remote ID in its canonical and grouped forms

The server's identity is checked against the remote ID before anything is sent.
`

type cliOpts struct {
	signaling, remoteID, token, username, password, listen string
	timeout                                                time.Duration
	attempts                                               int
	verbose                                                bool
}

func (o *cliOpts) register(fs *flag.FlagSet) {
	fs.StringVar(&o.signaling, "signaling-url", o.signaling, "signaling server")
	fs.StringVar(&o.remoteID, "remote-id", o.remoteID, "the server's remote ID")
	fs.StringVar(&o.token, "token", o.token, "access token (call)")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "pairing timeout")
	fs.IntVar(&o.attempts, "attempts", o.attempts, "pairing attempts (0 = until interrupted, tunnel only)")
	fs.BoolVar(&o.verbose, "v", o.verbose, "log pairing details")
}

// CLI is `segue remote`. It returns the process exit code.
func CLI(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := &cliOpts{signaling: peer.DefaultSignalingURL, timeout: 30 * time.Second, attempts: 3,
		token: os.Getenv("SEGUE_TOKEN"), password: os.Getenv("SEGUE_PASSWORD")}
	fs := flag.NewFlagSet("segue remote", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, cliUsage) }
	o.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return 2
	}
	cmd := rest[0]
	sub := flag.NewFlagSet("segue remote "+cmd, flag.ContinueOnError)
	sub.SetOutput(stderr)
	o.register(sub)
	sub.StringVar(&o.username, "username", "", "user name (login)")
	sub.StringVar(&o.password, "password", o.password, "password (login)")
	sub.StringVar(&o.listen, "listen", "127.0.0.1:8095", "local address (tunnel)")
	// Flags may come before or after positional arguments (call COMMAND ARGS --token T).
	flags, pos := splitArgs(sub, rest[1:])
	if err := sub.Parse(flags); err != nil {
		return 2
	}
	pos = append(pos, sub.Args()...)

	log := logrus.New()
	log.SetOutput(stderr)
	log.SetLevel(logrus.WarnLevel)
	if o.verbose {
		log.SetLevel(logrus.DebugLevel)
	}
	id, err := peer.ParseRemoteID(o.remoteID)
	if err != nil {
		fmt.Fprintln(stderr, "segue remote: --remote-id:", err)
		return 2
	}
	if cmd == "id" {
		fmt.Fprintf(stdout, "%s\n%s\n", id, peer.FormatRemoteID(id))
		return 0
	}
	cfg := Config{SignalingURL: o.signaling, RemoteID: id, Log: log, Timeout: o.timeout}
	switch cmd {
	case "login":
		if o.username == "" || o.password == "" {
			fmt.Fprintln(stderr, "segue remote login: --username and --password (or $SEGUE_PASSWORD) are required")
			return 2
		}
		return withConn(ctx, cfg, o, stderr, func(c *Conn) int {
			token, err := c.Login(ctx, o.username, o.password)
			if err != nil {
				fmt.Fprintln(stderr, "segue remote login:", err)
				return 1
			}
			fmt.Fprintln(stdout, token)
			return 0
		})
	case "call":
		if len(pos) < 1 || len(pos) > 2 {
			fmt.Fprintln(stderr, "segue remote call: COMMAND [JSON-ARGS]")
			return 2
		}
		var args any
		if len(pos) == 2 {
			var raw json.RawMessage
			if err := json.Unmarshal([]byte(pos[1]), &raw); err != nil {
				fmt.Fprintln(stderr, "segue remote call: the arguments are not JSON:", err)
				return 2
			}
			args = raw
		}
		return withConn(ctx, cfg, o, stderr, func(c *Conn) int {
			if o.token != "" {
				if err := c.Auth(ctx, o.token); err != nil {
					fmt.Fprintln(stderr, "segue remote call: authentication failed:", err)
					return 1
				}
			}
			res, err := c.Call(ctx, pos[0], args)
			if err != nil {
				fmt.Fprintln(stderr, "segue remote call:", err)
				return 1
			}
			var pretty any
			if json.Unmarshal(res, &pretty) == nil {
				b, _ := json.MarshalIndent(pretty, "", "  ")
				res = b
			}
			fmt.Fprintln(stdout, string(res))
			return 0
		})
	case "get":
		if len(pos) != 1 || !strings.HasPrefix(pos[0], "/") {
			fmt.Fprintln(stderr, "segue remote get: PATH (starting with /)")
			return 2
		}
		return withConn(ctx, cfg, o, stderr, func(c *Conn) int {
			r, err := c.HTTPGet(ctx, http.MethodGet, pos[0], nil)
			if err != nil {
				fmt.Fprintln(stderr, "segue remote get:", err)
				return 1
			}
			if _, err := stdout.Write(r.Body); err != nil {
				fmt.Fprintln(stderr, "segue remote get:", err)
				return 1
			}
			if r.Status >= 400 {
				fmt.Fprintf(stderr, "segue remote get: HTTP %d\n", r.Status)
				return 1
			}
			return 0
		})
	case "tunnel":
		ln, err := net.Listen("tcp", o.listen)
		if err != nil {
			fmt.Fprintln(stderr, "segue remote tunnel:", err)
			return 1
		}
		fmt.Fprintf(stdout, "tunnel: ws://%s/ws → remote %s\n", ln.Addr(), peer.FormatRemoteID(id))
		t := &Tunnel{Config: cfg, Retry: Retry{Attempts: o.attempts}, Log: log}
		if err := t.Serve(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "segue remote tunnel:", err)
			return 1
		}
		return 0
	default:
		fmt.Fprintf(stderr, "segue remote: unknown command %q\n\n%s", cmd, cliUsage)
		return 2
	}
}

func withConn(ctx context.Context, cfg Config, o *cliOpts, stderr io.Writer, fn func(*Conn) int) int {
	c, err := DialRetry(ctx, cfg, Retry{Attempts: max(1, o.attempts)})
	if err != nil {
		fmt.Fprintln(stderr, "segue remote:", err)
		return 1
	}
	defer c.Close()
	return fn(c)
}

// Tunnel serves a local /ws endpoint; every local connection gets its own remote session
// (each has its own ServerInfo and authentication, as with a direct /ws).
type Tunnel struct {
	Config Config
	Retry  Retry
	Log    logrus.FieldLogger
}

// Serve accepts local connections on ln until ctx ends.
func (t *Tunnel) Serve(ctx context.Context, ln net.Listener) error {
	if t.Log == nil {
		t.Log = logrus.StandardLogger()
	}
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool {
		// Only local tools: a web page elsewhere must not drive the tunnel.
		o := r.Header.Get("Origin")
		return o == "" || strings.HasPrefix(o, "http://127.0.0.1") || strings.HasPrefix(o, "http://localhost")
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := DialRetry(r.Context(), t.Config, t.Retry)
		if err != nil {
			t.Log.WithError(err).Warn("remote tunnel: cannot reach the server")
			http.Error(w, "remote server unreachable", http.StatusBadGateway)
			return
		}
		defer c.Close()
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		bridge(ctx, ws, c)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return ctx.Err()
	}
	return err
}

// bridge pumps messages both ways until either side ends.
func bridge(ctx context.Context, ws *websocket.Conn, c *Conn) {
	raw := c.Raw()
	ws.SetReadLimit(16 << 20)
	if err := ws.WriteMessage(websocket.TextMessage, c.ServerInfo()); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			typ, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if typ != websocket.TextMessage {
				continue // the API is text only
			}
			if err := c.Send(msg); err != nil {
				return
			}
		}
	}()
	for {
		select {
		case msg := <-raw:
			if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-done:
			return
		case <-c.Done():
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "remote session ended"))
			return
		case <-ctx.Done():
			return
		}
	}
}

// splitArgs separates flags (with their values) from positional arguments.
func splitArgs(fs *flag.FlagSet, args []string) (flags, pos []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(pos, args[i+1:]...)
		}
		if !strings.HasPrefix(a, "-") || a == "-" || looksLikeJSON(a) {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return flags, pos
}

func looksLikeJSON(s string) bool {
	// A negative number is a JSON argument, not a flag.
	return len(s) > 1 && s[0] == '-' && s[1] >= '0' && s[1] <= '9'
}

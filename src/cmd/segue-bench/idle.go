package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// runSocketCommand runs the idle-socket and login-burst drivers; false when cmd is
// neither.
func runSocketCommand(cmd string, args []string) bool {
	switch cmd {
	case "ws-idle":
		wsIdle(args)
	case "login-burst":
		loginBurst(args)
	default:
		return false
	}
	return true
}

// wsIdle opens -conns WebSockets (signed in with -token when given), prints "ready"
// and holds them, idle, until SIGINT/SIGTERM: scripts/bench.sh reads the server's
// RSS meanwhile. The sockets come from 127.0.1.1, 127.0.1.2, … a hundred each, so a
// per-client cap does not refuse them.
func wsIdle(args []string) {
	fs := flag.NewFlagSet("ws-idle", flag.ExitOnError)
	url := fs.String("url", "", "ws:// URL")
	token := fs.String("token", "", "bearer token to send as auth (segue)")
	conns := fs.Int("conns", 1000, "sockets to hold")
	_ = fs.Parse(args)
	held := make([]*websocket.Conn, 0, *conns)
	for i := range *conns {
		src := &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(1+i/100))}
		d := websocket.Dialer{NetDial: (&net.Dialer{LocalAddr: src}).Dial, HandshakeTimeout: 10 * time.Second}
		c, _, err := d.Dial(*url, nil)
		if err != nil {
			fmt.Fprintf(os.Stderr, "socket %d: %v\n", i, err)
			os.Exit(1)
		}
		_, _, _ = c.ReadMessage() // ServerInfo (the echo server's greeting)
		if *token != "" {
			_ = c.WriteJSON(map[string]any{"message_id": "a", "command": "auth", "args": map[string]string{"token": *token}})
			_, m, err := c.ReadMessage()
			if err != nil || !strings.Contains(string(m), `"authenticated":true`) {
				fmt.Fprintf(os.Stderr, "socket %d: auth failed: %s %v\n", i, m, err)
				os.Exit(1)
			}
		}
		held = append(held, c)
		// Answer pings meanwhile, as a browser does.
		go func() {
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
			}
		}()
	}
	fmt.Println("ready")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	for _, c := range held {
		c.Close()
	}
}

// loginBurst sends -n POST /auth/login at once, each from its own address
// (127.0.2.1, 127.0.2.2, …, so no per-client bound refuses one), and prints the
// statuses.
func loginBurst(args []string) {
	fs := flag.NewFlagSet("login-burst", flag.ExitOnError)
	url := fs.String("url", "", "http://…/auth/login")
	user := fs.String("user", "", "username")
	password := fs.String("password", "", "password")
	n := fs.Int("n", 8, "parallel logins")
	_ = fs.Parse(args)
	body := fmt.Sprintf(`{"credentials":{"username":%q,"password":%q}}`, *user, *password)
	statuses := make([]int, *n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range *n {
		src := &net.TCPAddr{IP: net.IPv4(127, 0, 2, byte(1+i))}
		client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: src}).DialContext}}
		wg.Go(func() {
			resp, err := client.Post(*url, "application/json", bytes.NewBufferString(body))
			if err != nil {
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	fmt.Printf("statuses=%v took=%v\n", statuses, time.Since(start).Round(time.Millisecond))
}

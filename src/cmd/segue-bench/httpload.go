package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"
)

// httpLoad keeps -conns clients each sending one GET at a time to -url until
// SIGINT/SIGTERM or -duration, and prints how many answered, how many were lost
// (a transport error, a status other than 200, or a body without -want), and
// latency percentiles. Unlike wrk it keeps every latency and counts a Subsonic
// error (HTTP 200 with status "failed") as lost: scripts/bench-scan.sh runs it
// against search3 while a scan runs.
func httpLoad(args []string) {
	fs := flag.NewFlagSet("http-load", flag.ExitOnError)
	url := fs.String("url", "", "URL to GET")
	conns := fs.Int("conns", 4, "concurrent clients, one request at a time each")
	duration := fs.Duration("duration", 0, "stop after this long (0: only on SIGINT/SIGTERM)")
	want := fs.String("want", `"status":"ok"`, "a body must contain this to count as answered")
	timeout := fs.Duration("timeout", 30*time.Second, "a request taking longer is lost")
	_ = fs.Parse(args)
	if *url == "" {
		fmt.Fprintln(os.Stderr, "http-load: -url is required")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	client := &http.Client{Timeout: *timeout, Transport: &http.Transport{MaxIdleConnsPerHost: *conns}}
	wantB := []byte(*want)
	var (
		mu    sync.Mutex
		lat   []time.Duration
		lost  int
		first string
		wg    sync.WaitGroup
	)
	start := time.Now()
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			var bad int
			var why string
			for ctx.Err() == nil {
				t0 := time.Now()
				reason := get(client, *url, wantB)
				if reason != "" {
					if ctx.Err() != nil { // cut short by the stop, not lost
						break
					}
					bad++
					if why == "" {
						why = reason
					}
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			lost += bad
			if first == "" {
				first = why
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) string {
		if len(lat) == 0 {
			return "0"
		}
		return fmt.Sprintf("%.1f", float64(lat[int(float64(len(lat)-1)*p)])/float64(time.Millisecond))
	}
	fmt.Printf("answered=%d lost=%d seconds=%.2f req_per_sec=%.0f p50_ms=%s p99_ms=%s max_ms=%s\n",
		len(lat), lost, elapsed.Seconds(), float64(len(lat))/elapsed.Seconds(), pct(0.5), pct(0.99), pct(1))
	if first != "" {
		fmt.Printf("first_lost=%q\n", first)
	}
}

// get sends one request and returns why it did not count as answered, or "".
func get(client *http.Client, url string, want []byte) string {
	resp, err := client.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	switch {
	case err != nil:
		return err.Error()
	case resp.StatusCode != http.StatusOK:
		return resp.Status
	case !bytes.Contains(body, want):
		return "body without " + string(want) + ": " + string(body[:min(len(body), 200)])
	}
	return ""
}

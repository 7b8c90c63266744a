//go:build ignore

// Command bench measures Subsonic ping with token auth on a real Segue server
// beside a plain net/http handler, in the same run, with wrk:
//
//	cd src && go run ./internal/subsonic/bench/main.go [-d 10s] [-c 50] [-t 2] [-rounds 2]
//
// It prints requests/s of both and the ratio (target ≥ 0.6).
package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"segue/internal/app"
	"segue/internal/config"
	"segue/internal/logging"
	"segue/internal/secrets"
)

func main() {
	dur := flag.String("d", "10s", "wrk duration per run")
	conns := flag.Int("c", 50, "wrk connections")
	threads := flag.Int("t", 2, "wrk threads")
	rounds := flag.Int("rounds", 2, "alternating rounds (baseline, segue)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the Segue runs to this file")
	flag.Parse()
	if _, err := exec.LookPath("wrk"); err != nil {
		fail("wrk is not installed (apt-get install -y wrk)")
	}

	dir, err := os.MkdirTemp("", "segue-bench-")
	check(err)
	defer os.RemoveAll(dir)
	cfg := config.Defaults()
	cfg.DataDir, cfg.PublicAddr, cfg.RemoteAccess = dir, "127.0.0.1:0", "off"
	check(cfg.Validate())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	argon := secrets.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1} // setup only; ping never hashes
	a, err := app.New(ctx, cfg, logging.New(os.Stderr, "warning"), app.Options{Argon2: &argon})
	check(err)
	check(a.Listen())
	go func() { _ = a.Run(ctx) }()
	segue := "http://" + a.PublicAddr()

	token := postJSON(segue+"/setup", map[string]string{"username": "bench", "password": "bench-password-1"})["token"].(string)
	req, _ := http.NewRequest("GET", segue+"/users/me/subsonic-password", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	var pw struct{ Password string }
	decode(req, &pw)
	salt := "abc123"
	sum := md5.Sum([]byte(pw.Password + salt))
	pingURL := segue + "/rest/ping.view?u=bench&t=" + hex.EncodeToString(sum[:]) + "&s=" + salt + "&v=1.16.1&c=bench&f=json"
	body := get(pingURL)
	if !strings.Contains(body, `"status":"ok"`) {
		fail("ping with token auth did not succeed: " + body)
	}

	// Baseline: a plain net/http handler answering the same bytes.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	payload := []byte(body)
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(payload)
		}))
	}()
	baseURL := "http://" + ln.Addr().String() + "/rest/ping.view?u=bench&t=x&s=abc123&v=1.16.1&c=bench&f=json"

	fmt.Printf("wrk -t%d -c%d -d%s, %d alternating rounds; GOMAXPROCS from env, %d CPUs\n", *threads, *conns, *dur, *rounds, numCPU())
	var base, seg []float64
	for i := 0; i < *rounds; i++ {
		base = append(base, wrk(*threads, *conns, *dur, baseURL))
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			check(err)
			check(pprof.StartCPUProfile(f))
		}
		seg = append(seg, wrk(*threads, *conns, *dur, pingURL))
		if *cpuProfile != "" {
			pprof.StopCPUProfile()
		}
		fmt.Printf("round %d: baseline %.0f req/s, segue ping (token auth) %.0f req/s\n", i+1, base[i], seg[i])
	}
	b, s := mean(base), mean(seg)
	fmt.Printf("baseline net/http: %.0f req/s\nsegue ping t+s:    %.0f req/s\nratio:             %.2f (target >= 0.60)\n", b, s, s/b)
	fmt.Printf("segue URL: %s\n", strings.Replace(pingURL, "t="+hex.EncodeToString(sum[:]), "t=<md5(app-password+salt)>", 1))
}

var rpsLine = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
var errLine = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)

func wrk(threads, conns int, dur, url string) float64 {
	out, err := exec.Command("wrk", "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns), "-d"+dur, "--latency", url).CombinedOutput()
	if err != nil {
		fail(fmt.Sprintf("wrk: %v\n%s", err, out))
	}
	if m := errLine.FindSubmatch(out); m != nil {
		fail("wrk saw non-2xx responses:\n" + string(out))
	}
	m := rpsLine.FindSubmatch(out)
	if m == nil {
		fail("no Requests/sec in wrk output:\n" + string(out))
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func postJSON(url string, v any) map[string]any {
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest("POST", url, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	var out map[string]any
	decode(req, &out)
	return out
}

func decode(req *http.Request, v any) {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		fail(fmt.Sprintf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b))
	}
	check(json.Unmarshal(b, v))
}

func get(url string) string {
	resp, err := http.Get(url)
	check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench:", msg)
	os.Exit(1)
}

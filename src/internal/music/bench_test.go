package music_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// BenchmarkAlbumPage compares MA's music/albums/library_items (limit 50) with
// Subsonic's getAlbumList2 (size 50) on the same library, both as one HTTP
// request on a kept-alive loopback connection (POST /api vs GET /rest/).
// Report the ratio ma/subsonic: go test ./internal/music -run x -bench AlbumPage
func BenchmarkAlbumPage(b *testing.B) {
	e := newEnvB(b)
	body, _ := json.Marshal(map[string]any{"command": "music/albums/library_items", "args": map[string]any{"limit": 50, "offset": 0, "order_by": "name"}})
	b.Run("ma", func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.StatusCode)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	status, raw := e.srv.Do(b, "GET", "/users/me/subsonic-password", e.token, nil)
	var pw struct {
		Password string `json:"password"`
	}
	if status != 200 || json.Unmarshal(raw, &pw) != nil {
		b.Fatal("subsonic password")
	}
	sum := md5.Sum([]byte(pw.Password + "salt42"))
	q := url.Values{"u": {adminUser}, "t": {hex.EncodeToString(sum[:])}, "s": {"salt42"}, "v": {"1.16.1"}, "c": {"bench"}, "f": {"json"},
		"type": {"alphabeticalByName"}, "size": {"50"}}
	u := e.srv.URL + "/rest/getAlbumList2?" + q.Encode()
	b.Run("subsonic", func(b *testing.B) {
		for b.Loop() {
			resp, err := http.Get(u)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

// BenchmarkAlbumPageRatio interleaves the two requests of BenchmarkAlbumPage in
// one loop, so machine load hits both alike, and reports the cost ratio
// ma/subsonic (target ≤ 1.3) and each side's median and response size:
// go test ./internal/music -run x -bench AlbumPageRatio -benchtime 400x
func BenchmarkAlbumPageRatio(b *testing.B) {
	e := newEnvB(b)
	maReq := albumPageMA(b, e)
	subURL := albumPageSubsonic(b, e)
	var maD, subD []time.Duration
	var maBytes, subBytes int64
	for b.Loop() {
		t0 := time.Now()
		maBytes = fetch(b, maReq())
		t1 := time.Now()
		r, err := http.NewRequest("GET", subURL, nil)
		if err != nil {
			b.Fatal(err)
		}
		subBytes = fetch(b, r)
		maD, subD = append(maD, t1.Sub(t0)), append(subD, time.Since(t1))
	}
	ma, sub := median(maD), median(subD)
	b.ReportMetric(float64(ma.Microseconds()), "ma-p50-us")
	b.ReportMetric(float64(sub.Microseconds()), "subsonic-p50-us")
	b.ReportMetric(float64(ma)/float64(sub), "ratio-p50")
	b.ReportMetric(float64(maBytes), "ma-bytes")
	b.ReportMetric(float64(subBytes), "subsonic-bytes")
}

func albumPageMA(b *testing.B, e *env) func() *http.Request {
	body, _ := json.Marshal(map[string]any{"command": "music/albums/library_items", "args": map[string]any{"limit": 50, "offset": 0, "order_by": "name"}})
	return func() *http.Request {
		req, err := http.NewRequest("POST", e.srv.URL+"/api", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.token)
		req.Header.Set("Content-Type", "application/json")
		return req
	}
}

func albumPageSubsonic(b *testing.B, e *env) string {
	status, raw := e.srv.Do(b, "GET", "/users/me/subsonic-password", e.token, nil)
	var pw struct {
		Password string `json:"password"`
	}
	if status != 200 || json.Unmarshal(raw, &pw) != nil {
		b.Fatal("subsonic password")
	}
	sum := md5.Sum([]byte(pw.Password + "salt42"))
	q := url.Values{"u": {adminUser}, "t": {hex.EncodeToString(sum[:])}, "s": {"salt42"}, "v": {"1.16.1"}, "c": {"bench"}, "f": {"json"},
		"type": {"alphabeticalByName"}, "size": {"50"}}
	return e.srv.URL + "/rest/getAlbumList2?" + q.Encode()
}

// fetch sends a request on the default client's kept-alive connection and
// returns the body's size.
func fetch(b *testing.B, req *http.Request) int64 {
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatal(err, resp)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return n
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

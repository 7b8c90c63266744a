package music_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
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

package music_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t *testing.T, url string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return resp.StatusCode, resp.Header, body
}

// Issue 13: covers through /imageproxy, unauthenticated as in MA, by keyed ids
// only; the legacy ?path= form resolves only those same ids.
func TestImageProxy(t *testing.T) {
	e := newEnv(t, 6)
	var albums []struct {
		Metadata struct {
			Images []struct {
				Path    string `json:"path"`
				ProxyID string `json:"proxy_id"`
			} `json:"images"`
		} `json:"metadata"`
	}
	e.call(t, "music/albums/library_items", map[string]any{"limit": 5}, &albums)
	var id string
	for _, a := range albums {
		if len(a.Metadata.Images) > 0 {
			id = a.Metadata.Images[0].ProxyID
			break
		}
	}
	if id == "" {
		t.Fatal("no album has a cover image")
	}
	for _, u := range []string{e.srv.URL + "/imageproxy/" + id, e.srv.URL + "/imageproxy/" + id + "?size=256",
		e.srv.URL + "/imageproxy?path=" + id + "&provider=x&size=80"} {
		status, h, body := get(t, u)
		if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "image/") || len(body) == 0 || h.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("GET %s: %d %v (%d bytes)", u, status, h, len(body))
		}
	}
	// A flipped bit, another cover's number with this tag, a path, a bad size.
	flipped := id[:63] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", id[63])+1)%16])
	other := "00000000000000ff" + id[16:]
	for _, u := range []string{"/imageproxy/" + flipped, "/imageproxy/" + other, "/imageproxy/short",
		"/imageproxy?path=Modor%200/cover.jpg&provider=filesystem_local", "/imageproxy?path=../../etc/passwd"} {
		if status, _, _ := get(t, e.srv.URL+u); status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", u, status)
		}
	}
	if status, _, _ := get(t, e.srv.URL+"/imageproxy/"+id+"?size=300"); status != http.StatusBadRequest {
		t.Errorf("size 300 = %d, want 400", status)
	}
	// Unknown commands still answer error 12.
	if r := e.ws.Command("music/no_such_thing", nil); r.ErrorCode != 12 {
		t.Fatalf("unknown command: %+v", r)
	}
}

package subsonic_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
)

// TestStreamAndDownloadHonourRanges: stream (served as is) and download answer
// an HTTP range with 206, its Content-Range and exactly those bytes of the file,
// as seeking players ask.
func TestStreamAndDownloadHonourRanges(t *testing.T) {
	le := newLibEnv(t, 4)
	songs := list(le.ok(t, le.alice(), "search3", "query", "", "songCount", "1", "albumCount", "0", "artistCount", "0"), "searchResult3", "song")
	if len(songs) != 1 {
		t.Fatalf("no song to stream: %v", songs)
	}
	id := songs[0]["id"].(string)
	get := func(method, rng string) (int, http.Header, []byte) {
		t.Helper()
		v := url.Values{"u": {userName}, "p": {le.userApp}, "c": {"test"}, "v": {"1.16.1"}, "id": {id}}
		req, err := http.NewRequest("GET", le.srv.URL+"/rest/"+method+"?"+v.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, body
	}
	for _, method := range []string{"stream", "download"} {
		status, _, whole := get(method, "")
		if status != 200 || len(whole) < 200 {
			t.Fatalf("%s: HTTP %d, %d bytes", method, status, len(whole))
		}
		cases := []struct {
			rng        string
			from, last int
		}{
			{"bytes=0-99", 0, 99},
			{"bytes=100-199", 100, 199},
			{fmt.Sprintf("bytes=%d-", len(whole)-10), len(whole) - 10, len(whole) - 1},
			{"bytes=-10", len(whole) - 10, len(whole) - 1},
		}
		for _, c := range cases {
			status, h, part := get(method, c.rng)
			want := fmt.Sprintf("bytes %d-%d/%d", c.from, c.last, len(whole))
			if status != http.StatusPartialContent || h.Get("Content-Range") != want || !bytes.Equal(part, whole[c.from:c.last+1]) {
				t.Errorf("%s %s: HTTP %d, Content-Range %q (want %q), %d bytes", method, c.rng, status, h.Get("Content-Range"), want, len(part))
			}
		}
		if status, _, _ := get(method, fmt.Sprintf("bytes=%d-", len(whole)+10)); status != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("%s: a range past the end answered HTTP %d, want 416", method, status)
		}
	}
}

package players

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzVerifyCapability: any token from the network is refused without a panic unless it
// is one we signed, and what we sign reads back the same.
func FuzzVerifyCapability(f *testing.F) {
	keys, err := newStreamKeys(filepath.Join(f.TempDir(), StreamKeyFile), strings.NewReader(strings.Repeat("s", 64)), newTestClock())
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	want := capability{Expires: now.Add(time.Hour), TrackID: 7, Offset: 3, Format: formatMP3, Ext: "mp3", Player: "media_player.a", Item: "i1"}
	good, err := keys.sign(want)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add("AQ")
	f.Add(strings.Repeat("A", 600))
	f.Fuzz(func(t *testing.T, token string) {
		c, err := keys.verify(token, now)
		if err != nil {
			return
		}
		if token != good {
			again, _ := keys.sign(c)
			if again != token {
				t.Fatalf("accepted a token we did not sign: %q", token)
			}
		}
		if c.TrackID != want.TrackID && token == good {
			t.Fatalf("round trip %+v", c)
		}
	})
}

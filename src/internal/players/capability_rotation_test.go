package players

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// Issue 15: the stream key file is looked at once per StreamKeyCheckInterval on the
// clock, not on every request, and a rotation on a running server still takes effect
// once the interval has passed: old URLs get errRotated, new ones are signed with the
// new key.
func TestStreamKeyRotationAfterCheckInterval(t *testing.T) {
	dir := t.TempDir()
	clk := newTestClock()
	keys, err := newStreamKeys(dir+"/"+StreamKeyFile, strings.NewReader(strings.Repeat("a", 64)), clk)
	if err != nil {
		t.Fatal(err)
	}
	c := capability{Expires: clk.Now().Add(time.Hour), TrackID: 1, Ext: "mp3", Player: "media_player.a", Item: "i1"}
	old, err := keys.sign(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := RotateStreamKey(dir, strings.NewReader(strings.Repeat("b", 64))); err != nil {
		t.Fatal(err)
	}
	// Within the interval the file is not looked at: the key in memory still answers.
	clk.Advance(StreamKeyCheckInterval - time.Millisecond)
	if _, err := keys.verify(old, clk.Now()); err != nil {
		t.Fatalf("within the check interval: %v (the file was looked at again)", err)
	}
	// Even a missing file is not noticed within the interval (no stat at all).
	if err := os.Rename(dir+"/"+StreamKeyFile, dir+"/moved"); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.verify(old, clk.Now()); err != nil {
		t.Fatalf("stat within the interval: %v", err)
	}
	if err := os.Rename(dir+"/moved", dir+"/"+StreamKeyFile); err != nil {
		t.Fatal(err)
	}

	clk.Advance(time.Millisecond)
	if _, err := keys.verify(old, clk.Now()); !errors.Is(err, errRotated) {
		t.Fatalf("after the interval: %v, want rotated", err)
	}
	fresh, err := keys.sign(c)
	if err != nil {
		t.Fatal(err)
	}
	if fresh == old {
		t.Fatal("signed with the old key after the rotation")
	}
	if _, err := keys.verify(fresh, clk.Now()); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
}

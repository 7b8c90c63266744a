package secrets

import (
	"context"
	"crypto/rand"
	"runtime"
	"sync"
	"testing"

	"segue/internal/clock"
)

// With the default cost one work area of 19 MiB runs at a time (8 parallel logins
// stay under 64 MiB); cheap test costs still get one slot per CPU.
func TestDefaultHashSlotsFollowTheMemoryBudget(t *testing.T) {
	if n := DefaultHashSlots(DefaultArgon2); n != 1 {
		t.Fatalf("default cost: %d slots, want 1", n)
	}
	if n := DefaultHashSlots(Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}); n != runtime.NumCPU() {
		t.Fatalf("64 KiB cost: %d slots, want one per CPU (%d)", n, runtime.NumCPU())
	}
}

// A burst of verifications reuses the pages of the work areas before it instead
// of growing the heap by an area per login while the collector catches up.
func TestBurstOfVerificationsReusesWorkAreas(t *testing.T) {
	p := Argon2Params{MemoryKiB: 8 << 10, Time: 1, Threads: 1}
	const area = 8 << 20
	h := NewHasher(p, 2, rand.Reader, clock.Real{}, nil)
	encoded, err := h.Hash(context.Background(), "password")
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	for i := range 8 {
		client := string(rune('a' + i)) // one client each: no per-client bound
		wg.Go(func() {
			if ok, err := h.Verify(context.Background(), client, "password", encoded); !ok || err != nil {
				t.Errorf("verify: %v %v", ok, err)
			}
		})
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	// Two slots: at most two areas live at once, and the heap already holds the
	// pages of the Hash above, so it usually grows by one area; when the rest of
	// the process took a few pages inside a freed area meanwhile (CI runs packages
	// in parallel), by two and those pages. Left to the collector it grew by about
	// three areas (23 MiB).
	const others = 1 << 20
	if grown := int64(after.HeapSys) - int64(before.HeapSys); grown > 2*area+others {
		t.Fatalf("heap grew by %.1f MiB through 8 verifications with 2 slots of %d MiB", float64(grown)/(1<<20), area>>20)
	}
}

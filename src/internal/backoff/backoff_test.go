package backoff_test

import (
	"testing"
	"time"

	"segue/internal/backoff"
)

func TestSchedules(t *testing.T) {
	lowest := func(int64) int64 { return 0 }
	largest := func(n int64) int64 { return n - 1 }
	for _, tc := range []struct {
		name string
		b    backoff.Backoff
		want []time.Duration
	}{
		{"doubling to the cap", backoff.Backoff{Min: time.Second, Max: 5 * time.Second},
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}},
		{"factor 1.5", backoff.Backoff{Min: time.Second, Max: 30 * time.Second, Factor: 1.5},
			[]time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond}},
		{"jitter takes at most its share off", backoff.Backoff{Min: 10 * time.Second, Max: time.Minute, Jitter: 0.5, Rand: largest},
			[]time.Duration{5 * time.Second, 10 * time.Second}},
		{"jitter that draws nothing", backoff.Backoff{Min: 10 * time.Second, Max: time.Minute, Jitter: 0.5, Rand: lowest},
			[]time.Duration{10 * time.Second, 20 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			for i, want := range tc.want {
				if got := b.Next(); got != want {
					t.Fatalf("wait %d = %v, want %v", i, got, want)
				}
			}
			b.Reset()
			if got := b.Next(); got != tc.want[0] {
				t.Fatalf("after Reset: %v, want %v", got, tc.want[0])
			}
		})
	}
}

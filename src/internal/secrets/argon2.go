package secrets

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"segue/internal/clock"
)

// Argon2Params are the argon2id cost settings; they are stored in each hash.
type Argon2Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultArgon2 is OWASP's minimum: m=19 MiB, t=2, p=1.
var DefaultArgon2 = Argon2Params{MemoryKiB: 19456, Time: 2, Threads: 1}

// hashMemoryBudgetKiB bounds the argon2 work areas held at once. With idKey's
// collection, a burst of logins costs the server slots × MemoryKiB on top of
// its idle size (about 34 MiB, most of it the binary's own pages): one area of
// the default 19 MiB at a time keeps eight parallel logins under 64 MiB.
const hashMemoryBudgetKiB = 32 << 10

// DefaultHashSlots is how many computations with p may run at once: one per CPU
// within the memory budget, and at least one.
func DefaultHashSlots(p Argon2Params) int {
	return max(1, min(runtime.NumCPU(), int(hashMemoryBudgetKiB/max(p.MemoryKiB, 1))))
}

// ErrMalformedHash means a stored hash cannot be parsed.
var ErrMalformedHash = errors.New("malformed password hash")

// Hasher hashes and verifies passwords, bounding how many run at once so that
// parallel logins cannot exhaust memory.
type Hasher struct {
	params Argon2Params
	slots  *fairSlots
	rand   io.Reader
	clock  clock.Clock // times the memory trim after a burst
	dummy  string

	trimPending atomic.Bool
}

// NewHasher builds a hasher allowing at most concurrency computations at a
// time, shared fairly between clients. trace, when not nil, hears "queued",
// "start" and "left" (a waiter whose context ended) with the client of each
// computation (tests assert the order).
func NewHasher(params Argon2Params, concurrency int, rand io.Reader, clk clock.Clock, trace func(event, client string)) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	h := &Hasher{params: params, slots: newFairSlots(concurrency, trace), rand: rand, clock: clk}
	// The dummy only has to cost a real computation; its key never matches
	// anything, so it needs no computation of its own.
	h.dummy = h.encode(make([]byte, 16), make([]byte, 32), params)
	return h
}

// release frees a slot; when the last running computation ends, the large
// argon2 buffers are handed back to the OS soon after (a small server should
// not keep 19 MiB per past login resident).
func (h *Hasher) release(client string) {
	h.slots.release(client)
	if h.slots.idle() && h.trimPending.CompareAndSwap(false, true) {
		h.clock.AfterFunc(trimDelay, func() {
			h.trimPending.Store(false)
			if h.slots.idle() {
				debug.FreeOSMemory()
			}
		})
	}
}

// trimDelay batches memory trimming after bursts of logins.
const trimDelay = 2 * time.Second

// Hash returns a PHC-format argon2id hash of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := io.ReadFull(h.rand, salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	if err := h.slots.acquire(ctx, ""); err != nil {
		return "", err
	}
	defer h.release("")
	key := idKey([]byte(password), salt, h.params, 32)
	return h.encode(salt, key, h.params), nil
}

func (h *Hasher) encode(salt, key []byte, p Argon2Params) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify checks password against encoded, queued fairly as client's work (the
// client's throttle peer). An empty encoded hash runs a dummy computation and
// fails, so unknown users cost the same time as known ones. It fails with
// ErrQueueFull or the context's error when nothing was computed.
func (h *Hasher) Verify(ctx context.Context, client, password, encoded string) (bool, error) {
	if encoded == "" {
		if _, err := h.verify(ctx, client, password, h.dummy); err != nil {
			return false, err
		}
		return false, nil
	}
	return h.verify(ctx, client, password, encoded)
}

// NeedsRehash reports whether encoded uses weaker parameters than the hasher's.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := ParseArgon2(encoded)
	return err != nil || p.MemoryKiB < h.params.MemoryKiB || p.Time < h.params.Time
}

func (h *Hasher) verify(ctx context.Context, client, password, encoded string) (bool, error) {
	p, salt, want, err := ParseArgon2(encoded)
	if err != nil {
		return false, err
	}
	if err := h.slots.acquire(ctx, client); err != nil {
		return false, err
	}
	defer h.release(client)
	got := idKey([]byte(password), salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// idKey runs argon2id and then collects its work area (MemoryKiB, 19 MiB by
// default) before the caller frees its slot. Left to the collector's pace, the
// areas of a burst of logins pile up: GOGC lets the heap grow to twice what was
// live at the last collection, which was itself full of areas, so eight parallel
// logins took a fresh server past 100 MiB. Collected at once, the next computation
// reuses the same pages. The collection costs about a millisecond (the area holds
// no pointers to scan), next to tens of milliseconds of hashing.
func idKey(password, salt []byte, p Argon2Params, keyLen uint32) []byte {
	key := argon2.IDKey(password, salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	runtime.GC()
	return key
}

// ParseArgon2 splits a PHC argon2id string, bounding every parameter.
func ParseArgon2(encoded string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(encoded, "$")
	if len(encoded) > 512 || len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrMalformedHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &threads); err != nil {
		return p, nil, nil, ErrMalformedHash
	}
	if p.MemoryKiB < 8 || p.MemoryKiB > 1<<20 || p.Time < 1 || p.Time > 16 || threads < 1 || threads > 16 {
		return p, nil, nil, ErrMalformedHash
	}
	p.Threads = uint8(threads)
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformedHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}

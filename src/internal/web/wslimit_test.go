package web

import "testing"

func TestWSLimiter(t *testing.T) {
	l := newWSLimiter(3, 2)
	for i := range 2 {
		if !l.acquire("a") {
			t.Fatalf("acquire %d from a refused", i+1)
		}
	}
	if l.acquire("a") {
		t.Fatal("third from a allowed past the per-IP cap")
	}
	if !l.acquire("b") {
		t.Fatal("b refused")
	}
	if l.acquire("c") {
		t.Fatal("allowed past the global cap")
	}
	l.release("a")
	if !l.acquire("c") {
		t.Fatal("slot not released")
	}
}

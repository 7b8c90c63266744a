package web

import "testing"

func TestWSLimiter(t *testing.T) {
	l := newWSLimiter(3, 2)
	if !l.acquire("a") || !l.acquire("a") {
		t.Fatal("first two from a refused")
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

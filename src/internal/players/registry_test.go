package players

import (
	"context"
	"encoding/json"
	"testing"

	"segue/internal/api"
	"segue/internal/auth"
)

// Issue 13: with no players the MA apps must get empty lists (never null), or
// their start-up hangs.
func TestEmptyRegistryAnswersEmptyLists(t *testing.T) {
	r := NewRegistry()
	p := &auth.Principal{User: auth.User{ID: "u1", PlayerFilter: []string{"kitchen"}}}
	for _, c := range r.Commands() {
		res, err := c.Handler(context.Background(), &api.Call{Principal: p})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		b, _ := json.Marshal(res)
		if string(b) != "[]" {
			t.Fatalf("%s = %s, want []", c.Name, b)
		}
	}
}

func TestPlayerFilter(t *testing.T) {
	r := &Registry{players: []Player{{PlayerID: "kitchen"}, {PlayerID: "hall"}}, queues: []Queue{{QueueID: "hall"}}}
	p := &auth.Principal{User: auth.User{ID: "u1", PlayerFilter: []string{"kitchen"}}}
	if got := r.playersFor(p); len(got) != 1 || got[0].PlayerID != "kitchen" {
		t.Fatalf("filtered players %+v", got)
	}
	if got := r.queuesFor(p); len(got) != 0 {
		t.Fatalf("filtered queues %+v", got)
	}
	if got := r.playersFor(&auth.Principal{}); len(got) != 2 {
		t.Fatalf("an empty filter shows every player: %+v", got)
	}
}

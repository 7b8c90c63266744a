package api

import (
	"encoding/json"
	"errors"
	"testing"

	"segue/internal/fail"
)

func TestDecodeLenientArgs(t *testing.T) {
	type args struct {
		Limit  int    `json:"limit"`
		Search string `json:"search"`
	}
	for _, tc := range []struct {
		name, in string
		want     args
		problem  string // "" when it decodes
	}{
		{"empty keeps defaults", ``, args{Limit: 25}, ""},
		{"null keeps defaults", `null`, args{Limit: 25}, ""},
		{"absent key keeps its default", `{"search":"x"}`, args{Limit: 25, Search: "x"}, ""},
		{"null key keeps its default", `{"limit":null}`, args{Limit: 25}, ""},
		{"unknown keys are ignored", `{"limit":5,"order_by":"name"}`, args{Limit: 5}, ""},
		{"wrong type names the field", `{"limit":"five"}`, args{}, `Invalid arguments: field "limit" must be int`},
		{"malformed", `{"limit":`, args{}, "Invalid arguments: malformed JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := args{Limit: 25}
			err := DecodeLenientArgs(&Call{Args: json.RawMessage(tc.in)}, &got)
			if tc.problem == "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			var fe *fail.Error
			if !errors.As(err, &fe) || fe.Msg != tc.problem || fe.Kind != fail.KindInvalid {
				t.Fatalf("error %v, want %q", err, tc.problem)
			}
		})
	}
}

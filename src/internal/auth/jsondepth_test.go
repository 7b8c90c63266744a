package auth

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONDepthWithin(t *testing.T) {
	cases := []struct {
		doc   string
		depth int // the document's nesting depth
	}{
		{`"x"`, 0},
		{`{}`, 1},
		{`[]`, 1},
		{`{"a":1,"b":[1,2]}`, 2},
		{`{"a":{"b":{"c":[]}}}`, 4},
		{`[[[[[]]]]]`, 5},
		{`{"wide":[1,2,3],"deep":[[[[[[{}]]]]]]}`, 8},
		{strings.Repeat("[", 9000) + strings.Repeat("]", 9000), 9000},
	}
	for _, c := range cases {
		var v any
		if err := json.Unmarshal([]byte(c.doc), &v); err != nil {
			t.Fatal(err)
		}
		if !jsonDepthWithin(v, c.depth) || (c.depth > 0 && jsonDepthWithin(v, c.depth-1)) {
			t.Errorf("%.40s: depth is not %d", c.doc, c.depth)
		}
	}
}

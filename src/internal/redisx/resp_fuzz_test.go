package redisx

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzReadValue feeds arbitrary bytes to the reply parser: it must never panic and never
// allocate past its limits.
func FuzzReadValue(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "-ERR x\r\n", ":12\r\n", "$3\r\nabc\r\n", "$-1\r\n",
		"*2\r\n$1\r\na\r\n:1\r\n", "*-1\r\n", "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", "$999999999\r\n"} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxBulk: 1024, MaxArray: 64, MaxDepth: 3}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReaderSize(bytes.NewReader(b), 256)
		for i := 0; i < 8; i++ {
			v, err := readValue(r, lim, 0)
			if err != nil {
				return
			}
			if len(v.Str) > lim.MaxBulk && v.Kind == '$' {
				t.Fatalf("bulk over limit: %d", len(v.Str))
			}
			if len(v.Array) > lim.MaxArray {
				t.Fatalf("array over limit: %d", len(v.Array))
			}
		}
	})
}

package remote

import (
	"testing"
)

func FuzzValidProxyPath(f *testing.F) {
	for _, s := range []string{"/a", "//evil", "@evil", "http://x", "/%2F%2Fx", "/a?b=//c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		u, ok := validProxyPath(p)
		if !ok {
			return
		}
		if u.Host != "" || u.Scheme != "" || u.User != nil || len(u.Path) == 0 || u.Path[0] != '/' || (len(u.Path) > 1 && u.Path[1] == '/') {
			t.Fatalf("%q accepted as %#v", p, u)
		}
	})
}

package haauth

import (
	"strings"
	"testing"
)

func TestPageEscapesEveryValue(t *testing.T) {
	v := `<script>alert('x')</script> {{message}} "q"`
	out := pageData{Title: v, Message: v, LinkText: v, Link: `musicassistant://cb?code=a&x="><script>`}.fill()
	if strings.Contains(out, "<script") {
		t.Fatalf("a value reached the page as markup:\n%s", out)
	}
	// {{message}} inside a value stays text (title twice, message, link text).
	if strings.Count(out, "{{") != 4 || strings.Count(out, "{{message}}") != 4 {
		t.Errorf("a marker was left unfilled or one inside a value was filled:\n%s", out)
	}
	for _, want := range []string{
		`<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; {{message}} &#34;q&#34; · Segue</title>`,
		`<a id="continue" href="musicassistant://cb?code=a&amp;x=&#34;&gt;&lt;script&gt;">`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(pageData{Title: "t", Message: "m"}.fill(), "<a ") {
		t.Error("a page without a link shows one")
	}
}

package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

const hostile = `</script><script>alert("x")</script><b onclick='y'>&amp; {{title}} ` + "\u2028"

// Every value the pages show comes from a request or the registry: none may
// reach the page as markup, close the script element, or leave a marker unfilled.
func TestPagesEscapeEveryValue(t *testing.T) {
	d := pageData{Title: hostile, Message: hostile, Link: "login?a=1&b=\"2\"", LinkText: hostile, ReturnURL: hostile, DeviceName: hostile}
	for name, page := range map[string]string{"message": pageMessage, "login": pageLogin, "setup": pageSetup} {
		out := d.fill(page)
		if strings.Contains(out, "<script>alert") || strings.Contains(out, "<b onclick") {
			t.Errorf("%s: a value reached the page unescaped:\n%s", name, out)
		}
		if strings.Count(out, "{{") != strings.Count(out, "{{title}}") {
			t.Errorf("%s: a marker was left unfilled:\n%s", name, out)
		}
		if strings.Count(out, "<script>") > 1 || strings.Count(out, "</script>") > 1 {
			t.Errorf("%s: more than the page's own script element", name)
		}
		if !strings.Contains(out, "<title>&lt;/script&gt;&lt;script&gt;alert(&#34;x&#34;)") {
			t.Errorf("%s: the title is not escaped text", name)
		}
	}
	// The script's string literals read back as the values given, with no raw
	// line separator (one ends a JavaScript string in older engines).
	out := d.fill(pageLogin)
	for _, v := range []string{"ret", "device"} {
		m := regexp.MustCompile(`const ` + v + ` = (.*);`).FindStringSubmatch(out)
		var got string
		if m == nil || strings.Contains(m[1], "\u2028") || json.Unmarshal([]byte(m[1]), &got) != nil || got != hostile {
			t.Errorf("const %s: %v", v, m)
		}
	}
	if !strings.Contains(d.fill(pageMessage), `<a href="login?a=1&amp;b=&#34;2&#34;">`) {
		t.Error("the link is not an escaped attribute value")
	}
	if !strings.Contains(d.fill(pageLogin), `<strong>&lt;/script&gt;`) {
		t.Error("the device note is missing or not escaped")
	}
	if out := (pageData{Title: "T", Message: "{{title}}"}).fill(pageMessage); !strings.Contains(out, "<p>{{title}}</p>") {
		t.Error("a marker inside a value was filled in")
	}
	if out := (pageData{Title: "Sign in"}).fill(pageLogin); strings.Contains(out, "device-note") || !strings.Contains(out, `const ret = "";`) {
		t.Error("an empty device name or return URL is not left out / empty")
	}
}

func TestDocsPageEscapesRegistryText(t *testing.T) {
	out := docsHTML([]CommandDoc{
		{Command: "a/<b>", Description: hostile, Authenticated: true, RequiredScope: "s<x>", Args: []ArgDoc{{Name: "<n>", Type: "list[int]"}}},
		{Command: "ping", Description: "Public.", Args: []ArgDoc{}},
	})
	for _, want := range []string{"<code>a/&lt;b&gt;</code>", "Requires scope <code>s&lt;x&gt;</code>.", "<code>&lt;n&gt;: list[int]</code>", "No authentication needed."} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "<script") || strings.Contains(out, "<b>") {
		t.Errorf("registry text reached the page as markup:\n%s", out)
	}
}

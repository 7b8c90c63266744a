// Package subsonic is the Subsonic / OpenSubsonic edge: /rest/<method>[.view]
// over GET and form POST, the XML / JSON / JSONP envelope, the three ways to
// authenticate (u+t+s, u+p plain or enc:HEX, apiKey) against per-user
// app-passwords, and the Subsonic error codes. Every answer, failure included,
// is HTTP 200 with status="failed" inside, as Subsonic clients expect.
package subsonic

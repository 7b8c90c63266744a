// Package haauth is "Sign in with Home Assistant": HA's IndieAuth-style OAuth
// (ha-addon.md §4.4) seen from Segue's side.
//
// The browser starts at GET /auth/authorize, which stores a single-use state
// bound to the browser by an HttpOnly cookie and redirects to HA's own
// /auth/authorize. HA sends the browser back to GET /auth/callback with a code;
// the server exchanges it at HA (server to server), asks HA's websocket who the
// token belongs to, revokes the HA refresh token at once (Segue never keeps HA
// credentials), links or creates the Segue user by HA user id, and redirects to
// the allow-listed return_url with a one-time code. The client trades that code
// for a Segue token with POST /auth/code, so no bearer token ever travels in a URL.
package haauth

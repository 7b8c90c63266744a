// Package hass talks to Home Assistant: the Supervisor REST API (add-on self info),
// HA Core's websocket API (directly or through the Supervisor proxy at
// ws://supervisor/core/websocket), and builds on it the pieces the server needs:
// a role source for ingress users and a watcher of the HA Cloud status.
//
// Package hasstest holds faithful in-process fakes of both for tests.
package hass

// Package wsx keeps WebSocket links alive, once for every socket Segue holds: MA
// clients (web), signaling peers and the signaling client (signaling), and the Home
// Assistant connection (hass). It sits just above clock, so every side may import it.
package wsx

// Package hasstest holds faithful in-process fakes of Home Assistant for tests: a fake
// HA Core (websocket API, OAuth/IndieAuth endpoints, a little REST) and a fake Supervisor
// (add-on REST API with its envelope and denials, the websocket proxy to Core, and the
// ingress proxy with its headers). Messages, error codes, status codes and bodies follow
// the team's reference notes on the add-on platform (ha-addon.md §2, §4, §5, §8.3);
// both run on real loopback HTTP servers.
package hasstest

// The WebSocket command client: one socket to the server's relative "ws" endpoint,
// commands as promises, events re-dispatched, and reconnection with backoff.

/** An error answer from the server (or the link), with the MA error code. */
export class ApiError extends Error {
  constructor(code, details, command) {
    super(details || 'Unknown error');
    this.code = code;
    this.details = details || '';
    this.command = command || '';
  }
}

// MA error codes the UI reacts to.
export const Code = {
  InvalidData: 3, LoginFailed: 6, UnknownCommand: 12, AuthRequired: 20, AuthFailed: 21,
  Forbidden: 22, InvalidToken: 23, RateLimited: 25, Generic: 999, SetupRequired: 503,
  Disconnected: -1,
};

/** The ws:// or wss:// URL of the API next to the page (works under any base path). */
export function socketURL(base = document.baseURI) {
  const u = new URL('ws', base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.hash = '';
  u.search = '';
  return u.href;
}

const commandTimeoutMs = 30000;

/**
 * Api keeps one WebSocket open. Events: "serverinfo" (detail: ServerInfo, after each
 * (re)connect), "event" (detail: {event, object_id, data}), "down" (link lost),
 * "fatal" (detail: ApiError, the server refused the connection).
 */
export class Api extends EventTarget {
  constructor(url = socketURL()) {
    super();
    this.url = url;
    this.ws = null;
    this.pending = new Map();
    this.seq = 0;
    this.retry = 0;
    this.stopped = false;
    this.info = null;
  }

  /** Opens the socket and resolves with the ServerInfo frame. */
  connect() {
    return new Promise((resolve, reject) => {
      let settled = false;
      const ws = new WebSocket(this.url);
      this.ws = ws;
      ws.onmessage = (ev) => {
        let msg;
        try { msg = JSON.parse(ev.data); } catch { return; }
        if (!settled && msg.server_id !== undefined && msg.server_version !== undefined && !msg.event) {
          settled = true;
          this.retry = 0;
          this.info = msg;
          resolve(msg);
          this.dispatchEvent(new CustomEvent('serverinfo', { detail: msg }));
          return;
        }
        this.onMessage(msg, (err) => {
          if (!settled) { settled = true; reject(err); }
        });
      };
      ws.onclose = () => {
        const wasOpen = settled;
        if (!settled) { settled = true; reject(new ApiError(Code.Disconnected, 'The server could not be reached.')); }
        this.failPending(new ApiError(Code.Disconnected, 'The connection to the server was lost.'));
        if (this.ws === ws) this.ws = null;
        if (wasOpen && !this.stopped) {
          this.dispatchEvent(new Event('down'));
          this.scheduleReconnect();
        }
      };
    });
  }

  scheduleReconnect() {
    const delays = [500, 1000, 2000, 5000, 10000];
    const delay = delays[Math.min(this.retry, delays.length - 1)];
    this.retry++;
    setTimeout(() => {
      if (this.stopped) return;
      this.connect().catch((err) => {
        if (err.code === Code.Disconnected) this.scheduleReconnect();
        else this.dispatchEvent(new CustomEvent('fatal', { detail: err }));
      });
    }, delay);
  }

  onMessage(msg, failConnect) {
    if (msg.event) {
      this.dispatchEvent(new CustomEvent('event', { detail: msg }));
      return;
    }
    if (msg.message_id === 'connection' && msg.error_code) {
      failConnect(new ApiError(msg.error_code, msg.details));
      return;
    }
    const p = this.pending.get(msg.message_id);
    if (!p) return;
    if (msg.error_code !== undefined && msg.error_code !== null) {
      this.pending.delete(msg.message_id);
      clearTimeout(p.timer);
      p.reject(new ApiError(msg.error_code, msg.details, p.command));
      return;
    }
    if (msg.partial) { p.parts.push(...(msg.result || [])); return; }
    this.pending.delete(msg.message_id);
    clearTimeout(p.timer);
    p.resolve(p.parts.length ? p.parts.concat(msg.result || []) : msg.result);
  }

  failPending(err) {
    for (const [id, p] of this.pending) { clearTimeout(p.timer); p.reject(err); this.pending.delete(id); }
  }

  /** Runs a command and resolves with its result (rejects with ApiError). */
  call(command, args) {
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new ApiError(Code.Disconnected, 'Not connected to the server.', command));
        return;
      }
      const id = 'ui-' + (++this.seq);
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError(Code.Disconnected, 'The server did not answer in time.', command));
      }, commandTimeoutMs);
      this.pending.set(id, { resolve, reject, timer, parts: [], command });
      const msg = { message_id: id, command };
      if (args !== undefined) msg.args = args;
      this.ws.send(JSON.stringify(msg));
    });
  }

  close() {
    this.stopped = true;
    if (this.ws) this.ws.close();
  }
}

/** Words a person understands for an error from the API. */
export function humanize(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong in this page: ' + (err && err.message ? err.message : String(err));
  const d = err.details || '';
  switch (err.code) {
    case Code.Disconnected: return d || 'The connection to the server was lost.';
    case Code.AuthRequired: return 'You are not signed in (any more). Please sign in again.';
    case Code.InvalidToken: return 'Your sign-in has expired or was revoked. Please sign in again.';
    case Code.Forbidden: return 'Your account is not allowed to do this.';
    case Code.UnknownCommand: return 'This server does not offer this feature.';
    case Code.RateLimited: return d || 'Too many attempts. Please wait a moment and try again.';
    case Code.AuthFailed: return d || 'The password or credentials were not accepted.';
    case Code.InvalidData: return d ? sentence(d) : 'The server did not accept the input.';
    case Code.SetupRequired: return 'The server is not set up yet.';
    default:
      if (/temporarily unavailable/i.test(d)) return 'The server cannot reach its database right now. Please try again in a moment.';
      return 'The server ran into a problem' + (d && !/internal server error/i.test(d) ? ': ' + d : '') + '. Please try again.';
  }
}

function sentence(s) {
  s = s.trim();
  if (!s) return s;
  s = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(s) ? s : s + '.';
}

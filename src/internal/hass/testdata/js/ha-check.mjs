// Drives a (fake) Home Assistant websocket with the official client library and prints
// what happened as one JSON line. Usage: node ha-check.mjs <hassUrl> <accessToken>
import WebSocket from "ws";
import {
  createConnection,
  createLongLivedTokenAuth,
  ERR_INVALID_AUTH,
  getUser,
} from "home-assistant-js-websocket";

globalThis.WebSocket = WebSocket; // Node 20 has no global WebSocket

const [hassUrl, token] = process.argv.slice(2);
const out = {};

const conn = await createConnection({ auth: createLongLivedTokenAuth(hassUrl, token) });
out.haVersion = conn.haVersion;
out.user = await getUser(conn);
out.cloud = await conn.sendMessagePromise({ type: "cloud/status" });
await conn.ping();
out.pinged = true;
try {
  await conn.sendMessagePromise({ type: "no/such_command" });
  out.unknown = "succeeded";
} catch (err) {
  out.unknown = err;
}
conn.close();

try {
  await createConnection({ auth: createLongLivedTokenAuth(hassUrl, token + "-wrong") });
  out.wrongToken = "connected";
} catch (err) {
  out.wrongToken = err;
  out.wrongTokenIsInvalidAuth = err === ERR_INVALID_AUTH;
}

console.log(JSON.stringify(out));
process.exit(0);

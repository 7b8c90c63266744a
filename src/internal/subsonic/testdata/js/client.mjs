// Drives the real npm subsonic-api client against a running Segue server.
// Input (env): SEGUE_URL, SEGUE_USER, SEGUE_APP_PASSWORD, SEGUE_LOGIN_PASSWORD, SEGUE_API_KEY.
// Output: one JSON object on stdout with the responses the Go test checks.
import { SubsonicAPI } from "subsonic-api";

const url = process.env.SEGUE_URL;
const username = process.env.SEGUE_USER;

// The client only speaks t+s; this fetch wrapper turns its request into the
// legacy p=enc:HEX form, as old Subsonic apps send it.
const encFetch = (input, init) => {
  const u = new URL(input);
  u.searchParams.delete("t");
  u.searchParams.delete("s");
  u.searchParams.set("p", "enc:" + Buffer.from(process.env.SEGUE_APP_PASSWORD, "utf8").toString("hex"));
  return fetch(u.toString(), init);
};

const sent = [];
const recordingFetch = (input, init) => {
  sent.push(String(input));
  return fetch(input, init);
};

async function run(api) {
  return {
    ping: await api.ping(),
    license: await api.getLicense(),
    user: await api.getUser({ username }),
  };
}

const out = {};
out.token = await run(new SubsonicAPI({ url, auth: { username, password: process.env.SEGUE_APP_PASSWORD }, fetch: recordingFetch }));
out.tokenRequest = sent[0];
out.enc = await run(new SubsonicAPI({ url, auth: { username, password: process.env.SEGUE_APP_PASSWORD }, fetch: encFetch }));
out.post = await run(new SubsonicAPI({ url, auth: { username, password: process.env.SEGUE_APP_PASSWORD }, post: true }));
const keyed = new SubsonicAPI({ url, auth: { apiKey: process.env.SEGUE_API_KEY } });
out.apiKey = await run(keyed);
out.tokenInfo = await keyed.customJSON("tokenInfo.view", {}); // not wrapped by 3.3.1
out.extensions = await keyed.getOpenSubsonicExtensions();
out.loginPassword = await new SubsonicAPI({ url, auth: { username, password: process.env.SEGUE_LOGIN_PASSWORD } }).ping();
console.log(JSON.stringify(out));

// Drives every library method of the Subsonic edge with the real npm
// subsonic-api client, against a running Segue server with a scanned library.
// Input (env): SEGUE_URL, SEGUE_USER, SEGUE_APP_PASSWORD, SEGUE_SEARCH_WORD, and an
// admin's SEGUE_ADMIN, SEGUE_ADMIN_APP_PASSWORD (startScan is for admins).
// Output: one JSON object on stdout: for each call, the inner subsonic-response
// (or, for binary methods, {status, contentType, bytes}).
import { SubsonicAPI } from "subsonic-api";

const api = new SubsonicAPI({
  url: process.env.SEGUE_URL,
  auth: { username: process.env.SEGUE_USER, password: process.env.SEGUE_APP_PASSWORD },
});

const admin = new SubsonicAPI({
  url: process.env.SEGUE_URL,
  auth: { username: process.env.SEGUE_ADMIN, password: process.env.SEGUE_ADMIN_APP_PASSWORD },
});

const out = {};
async function call(name, fn) {
  try {
    out[name] = await fn();
  } catch (err) {
    out[name] = { status: "thrown", message: String(err) };
  }
  return out[name];
}

async function binary(name, fn) {
  return call(name, async () => {
    const r = await fn();
    const body = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, contentType: r.headers.get("content-type"), bytes: body.length,
      contentLength: r.headers.get("content-length") };
  });
}

const folders = await call("getMusicFolders", () => api.getMusicFolders());
const folderId = folders.musicFolders?.musicFolder?.[0]?.id;
await call("getIndexes", () => api.getIndexes({}));
const artists = await call("getArtists", () => api.getArtists({}));
const artistId = artists.artists?.index?.[0]?.artist?.[0]?.id;
const artist = await call("getArtist", () => api.getArtist({ id: artistId }));
await call("getMusicDirectory_artist", () => api.getMusicDirectory({ id: artistId }));
const albumId = artist.artist?.album?.[0]?.id;
const album = await call("getAlbum", () => api.getAlbum({ id: albumId }));
await call("getMusicDirectory_album", () => api.getMusicDirectory({ id: albumId }));
const songId = album.album?.song?.[0]?.id;
await call("getSong", () => api.getSong({ id: songId }));
const genres = await call("getGenres", () => api.getGenres());
const genre = genres.genres?.genre?.[0]?.value;
await call("getArtistInfo2", () => api.getArtistInfo2({ id: artistId }));
await call("getAlbumInfo2", () => api.getAlbumInfo2({ id: albumId }));
for (const type of ["random", "newest", "highest", "frequent", "recent", "starred", "alphabeticalByName", "alphabeticalByArtist"]) {
  await call("getAlbumList_" + type, () => api.getAlbumList({ type, size: 5 }));
  await call("getAlbumList2_" + type, () => api.getAlbumList2({ type, size: 5 }));
}
await call("getAlbumList_byYear", () => api.getAlbumList({ type: "byYear", fromYear: 1900, toYear: 2100, size: 5 }));
await call("getAlbumList_byGenre", () => api.getAlbumList({ type: "byGenre", genre, size: 5 }));
await call("getAlbumList2_byYear", () => api.getAlbumList2({ type: "byYear", fromYear: 1900, toYear: 2100, size: 5 }));
await call("getAlbumList2_byGenre", () => api.getAlbumList2({ type: "byGenre", genre, size: 5 }));
await call("getAlbumList2_folder", () => api.getAlbumList2({ type: "newest", size: 5, musicFolderId: folderId }));
await call("getRandomSongs", () => api.getRandomSongs({ size: 5 }));
await call("getSongsByGenre", () => api.getSongsByGenre({ genre, count: 5 }));
await call("search2", () => api.search2({ query: process.env.SEGUE_SEARCH_WORD }));
await call("search3", () => api.search3({ query: process.env.SEGUE_SEARCH_WORD }));
await call("search3_empty", () => api.search3({ query: "", songCount: 500, albumCount: 0, artistCount: 0 }));
await call("star", () => api.star({ id: songId, albumId, artistId }));
await call("getStarred", () => api.getStarred({}));
await call("getStarred2", () => api.getStarred2({}));
await call("setRating", () => api.setRating({ id: albumId, rating: 4 }));
await call("scrobble_now", () => api.scrobble({ id: songId, submission: false }));
await call("getNowPlaying", () => api.getNowPlaying());
await call("scrobble", () => api.scrobble({ id: songId, submission: true }));
await call("getAlbum_after", () => api.getAlbum({ id: albumId }));
await call("unstar", () => api.unstar({ id: songId }));
const created = await call("createPlaylist", () => api.createPlaylist({ name: "npm list", songId: [songId, songId] }));
const playlistId = created.playlist?.id;
await call("updatePlaylist", () => api.updatePlaylist({ playlistId, name: "npm list 2", comment: "hi", public: true, songIndexToRemove: [0] }));
await call("getPlaylists", () => api.getPlaylists({}));
await call("getPlaylist", () => api.getPlaylist({ id: playlistId }));
await call("deletePlaylist", () => api.deletePlaylist({ id: playlistId }));
await call("getLyrics", () => api.getLyrics({ artist: album.album?.song?.[0]?.artist, title: album.album?.song?.[0]?.title }));
await call("getLyricsBySongId", () => api.getLyricsBySongId({ id: songId }));
await binary("stream", () => api.stream({ id: songId }));
await binary("stream_mp3", () => api.stream({ id: songId, format: "mp3", maxBitRate: 64, estimateContentLength: true }));
await binary("download", () => api.download({ id: songId }));
await binary("getCoverArt", () => api.getCoverArt({ id: albumId, size: 64 }));
await call("getScanStatus", () => api.getScanStatus());
// A rescan: refused to a user, started by an admin, then followed to its end.
await call("startScan_user", () => api.startScan());
await call("startScan", () => admin.startScan());
await call("getScanStatus_after", async () => {
  for (let i = 0; i < 1200; i++) {
    const r = await admin.getScanStatus();
    if (r.status !== "ok" || !r.scanStatus?.scanning) return { ...r, polls: i + 1 };
    await new Promise((done) => setTimeout(done, 50));
  }
  return { status: "timeout" };
});
await call("getUser", () => api.getUser({ username: process.env.SEGUE_USER }));
await call("getOpenSubsonicExtensions", () => api.getOpenSubsonicExtensions());
console.log(JSON.stringify(out));
